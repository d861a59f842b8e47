"""moto's threaded server on loopback: the embedded AWS of `bakkt-sim serve`.

Clients in any language reach it with an endpoint URL (any access key
works); the sandbox's own adapters reach it the same way. A module of its
own because moto's server brings Flask, which the in-process modes never need.
"""
from __future__ import annotations

import logging

from moto.server import ThreadedMotoServer

from simulator.adapters.aws import EmbeddedAws


class MotoServer:
    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint = ""
        """Where boto3 reaches it (`endpoint_url`), once started."""

    def start(self) -> EmbeddedAws:
        """Listen on a free loopback port and connect the adapters there."""
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        return EmbeddedAws.connect(self.endpoint)

    def stop(self) -> None:
        self._server.stop()
