"""Write tests/snapshots/theme_labels.csv: the gold items' labels under the current codebook.

Run by `make codebook-snapshot` after a codebook change has been reviewed.
"""

import pandas as pd
from conftest import GOLD, RAW, SNAP_DIR

from analysis.evaluate import theme_predictions
from analysis.extract.themes import codebook_version
from analysis.pipeline import process

gold = pd.read_csv(GOLD / "themes.csv", keep_default_na=False)
res = [process((RAW / f"{d}.txt").read_bytes(), d, d) for d in sorted(set(gold.doc_id))]
pred = theme_predictions(pd.concat([r.sections for r in res]), pd.concat([r.section_themes for r in res]), gold)
out = pred[["doc_id", "item_n", "predicted"]].assign(codebook_version=codebook_version())
out.to_csv(SNAP_DIR / "theme_labels.csv", index=False)
print(f"wrote {len(out)} labels under codebook {codebook_version()}")
