"""Moving a sandbox's clock forward (POST /sandbox/v1/clock/advance)."""
from __future__ import annotations

from dataclasses import dataclass

from simulator.service.core import SandboxCore


@dataclass(frozen=True)
class AdvanceClock:
    """Run the clock to `to_ns`, everything due on the way and at that instant included."""

    to_ns: int


def advance_clock(core: SandboxCore, command: AdvanceClock) -> int:
    """The instant reached. An instant before the current one raises the kernel's
    TimeTravelError and changes nothing: time never goes backward."""
    core.kernel.run_to(command.to_ns)
    return core.now
