"""Settings: command-line options win over environment variables, which win over defaults."""

from __future__ import annotations

from backcourt.config import load_settings


def test_bigquery_options_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("BACKCOURT_BQ_PROJECT", "from-env")
    monkeypatch.setenv("BACKCOURT_BQ_LOCATION", "US")
    monkeypatch.delenv("BACKCOURT_BQ_ENDPOINT", raising=False)
    s = load_settings(engine="bigquery", bq_project="from-option",
                      bq_endpoint="http://127.0.0.1:9050")
    assert (s.bq_project, s.bq_location, s.bq_endpoint) == (
        "from-option", "US", "http://127.0.0.1:9050")
    assert s.warehouse == "backcourt_bigquery"
    assert load_settings(engine="bigquery").bq_project == "from-env"


def test_bigquery_dataset_prefix_option_wins_over_the_environment(monkeypatch):
    monkeypatch.delenv("BACKCOURT_BQ_DATASET_PREFIX", raising=False)
    assert load_settings(engine="bigquery").bq_dataset_prefix is None
    monkeypatch.setenv("BACKCOURT_BQ_DATASET_PREFIX", "prod_")
    assert load_settings(engine="bigquery").bq_dataset_prefix == "prod_"
    assert load_settings(engine="bigquery", bq_dataset_prefix="dev_").bq_dataset_prefix == (
        "dev_")
