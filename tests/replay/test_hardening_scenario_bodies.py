"""A scenario's `market:`, `clients:` and `accounts:` bodies are checked by the control API's own models before the run.

A typo there used to be ignored (`fundingModle: APEX_TPJ` replayed PASSED
with the default model), and once the API refused it, the refusal showed as
a failed setup (exit 1). Now it is exit 2, naming the file, the key path and
the known fields, in the API's words (CONTRACT section 15).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator.cli import main
from simulator.replay import load_scenario

HEAD = "version: 1\nname: bodies\n"


@pytest.mark.parametrize(
    ("section", "key", "problem"),
    [
        (
            "clients:\n  acme: {fundingModle: APEX_TPJ}\n",
            "clients.acme.fundingModle",
            "unknown field; known fields: clientId, fundingModel,",
        ),
        ("clients:\n  acme: {commission: {modle: MARKUP}}\n", "clients.acme.commission.modle", "unknown field; known fields: model, bps"),
        (
            "clients:\n  acme: {accounts: [{count: 1, prefx: X}]}\n",
            "clients.acme.accounts[0].prefx",
            "unknown field; known fields: count, prefix,",
        ),
        (
            "clients:\n  acme: {accounts: [{accounts: [{id: A1, emial: a@acme.test}]}]}\n",
            "clients.acme.accounts[0].accounts[0].emial",
            "unknown field; known fields: id, email, holdings, cash",
        ),
        ("clients:\n  acme: {accounts: [{count: '3'}]}\n", "clients.acme.accounts[0].count", "valid integer"),
        ("clients:\n  acme: {accounts: [{count: true}]}\n", "clients.acme.accounts[0].count", "valid integer"),
        ("clients:\n  acme: {commission: {bps: '10'}}\n", "clients.acme.commission.bps", "valid integer"),
        ("clients:\n  acme: {giftAccount: 'yes'}\n", "clients.acme.giftAccount", "valid boolean"),
        ("clients:\n  acme: {accounts: [{count: 1, cash: 10}]}\n", "clients.acme.accounts[0].cash", "decimal"),
        ("clients:\n  acme: {accounts: [{}]}\n", "clients.acme.accounts[0]", 'give exactly one of "count" or "accounts"'),
        ("market:\n  BTCUSD: {prize: '43000.00'}\n", "market.BTCUSD.prize", "unknown field; known fields: price,"),
        ("market:\n  BTCUSD: {volatility: '0.5'}\n", "market.BTCUSD.volatility", "valid number"),
    ],
    ids=[
        "client-field", "nested-field", "accounts-field", "investor-field", "count-as-string", "count-as-boolean",
        "bps-as-string", "boolean-as-string", "cash-as-number", "accounts-neither", "market-field", "market-number-as-string",
    ],
)
def test_a_body_the_control_api_would_refuse_exits_2_naming_the_key(
    tmp_path: Path, section: str, key: str, problem: str
) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(HEAD + section, encoding="utf-8")
    result = CliRunner().invoke(main, ["replay", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"invalid scenario: {path}: {key}: ")
    assert problem in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_bodies_are_kept_as_written_placeholders_included(tmp_path: Path) -> None:
    """Checked with placeholders replaced, as the runner sends them; kept unreplaced, since the seed may change."""
    path = tmp_path / "scenario.yaml"
    path.write_text(
        HEAD + "market:\n  BTCUSD: {price: '43000.00', volatility: 0}\n"
        "clients:\n  acme:\n    financeEmails: [finance@acme.test]\n"
        "    accounts:\n      - {accounts: [{id: '${uuid:investor}', holdings: {BTC: '0.5'}}]}\n",
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert scenario.market == {"BTCUSD": {"price": "43000.00", "volatility": 0}}
    assert scenario.clients[0].body == {"financeEmails": ["finance@acme.test"], "clientId": "acme"}
    assert scenario.clients[0].accounts == ({"accounts": [{"id": "${uuid:investor}", "holdings": {"BTC": "0.5"}}]},)
