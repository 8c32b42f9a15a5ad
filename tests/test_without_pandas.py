"""pandas is refused only to the input checks of pyarrow and LightGBM, in the thread that
asks, and what they compute does not change."""

from __future__ import annotations

import subprocess
import sys

TRAIN = """
import sys
{first}
import numpy as np
from backcourt.pipeline.phase5.systems import GBM_FEATURES, train_gbm
rng = np.random.default_rng(3)
x = rng.normal(size=(400, len(GBM_FEATURES)))
y = x[:, 0] * 3 + rng.normal(size=400)
m = train_gbm(x, y, version="v", season="2023-24", week_start=None, trained_through=None,
              min_rows=10)
print("pandas" in sys.modules, m.in_sample_mae, m.booster.predict(x[:5]).tolist())
"""


def _train(first: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", TRAIN.format(first=first)],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().split(" ", 1)


def test_training_imports_no_pandas_and_trains_the_same_model():
    without = _train("")
    with_pandas = _train("import pandas")
    assert without[0] == "False" and with_pandas[0] == "True"
    assert without[1] == with_pandas[1]   # the same model, bit for bit


def test_only_the_refusing_thread_is_refused():
    code = ("import threading\n"
            "from backcourt.without_pandas import pandas_refused\n"
            "seen = []\n"
            "def other():\n"
            "    import pandas\n"
            "    seen.append('other thread imported it')\n"
            "with pandas_refused():\n"
            "    try:\n"
            "        import pandas\n"
            "    except ModuleNotFoundError:\n"
            "        seen.append('refused here')\n"
            "    t = threading.Thread(target=other)\n"
            "    t.start()\n"
            "    t.join()\n"
            "import pandas\n"
            "seen.append('imported here after')\n"
            "print(seen)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == ("['refused here', 'other thread imported it', "
                           "'imported here after']")
