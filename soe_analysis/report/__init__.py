"""report: the quarterly batch: every notebook executed for each report period, rendered to shareable HTML.

For each period the batch runs each notebook of ``notebooks/`` through papermill (kernel
``python3``, working directory the notebooks folder, parameters validated against the notebook's
``parameters`` cell), in parallel worker processes, and writes into ``<out>/<period>/``:

- ``NAME.ipynb`` — the executed notebook, its metadata scrubbed of local paths and environment;
- ``NAME.html`` — the full report, code included (for the analyst);
- ``NAME.shared.html`` — the report to mail: code and prompts hidden with nbconvert's own
  ``exclude_input`` / ``exclude_input_prompt`` / ``exclude_output_prompt``, stderr dropped, no
  local path, no script (written only when the notebook succeeded);
- ``NAME.keyfigures.json`` — what the notebook recorded with
  :func:`soe_analysis.display.record_key_figures`;
- ``NAME.tables.json`` — the tables, provenance line and headline the notebook showed
  (:func:`soe_analysis.display.show_table`, ``show_provenance``, ``show_headline``);
- ``<period>.xlsx`` — every table of the period's successful reports, one sheet per table
  (:mod:`soe_analysis.report.workbook`);
- ``run.json`` — the period's manifest (status, run time, error summary, key figures, headline, workbook).

``<out>/index.html`` lists every period folder of ``<out>`` × notebooks from the manifests.

Every HTML is self-contained: figures are embedded as data URIs and the template
(``templates/soe_html``, the nbconvert ``lab`` template minus its CDN scripts) inlines its CSS and
puts a Content-Security-Policy first in the head; page bodies pass an allowlist sanitizer
(:mod:`.sharing`). Outputs are written whole or not at all: a period is built in a hidden staging
folder inside ``<out>`` and swapped in with renames once every notebook of the run has finished;
only folders the batch made (with a ``run.json``) are ever replaced, one run at a time
(:mod:`.folders`); workers stop on Ctrl-C and die with the main process (:mod:`.workers`).
"""

import sys

# nbformat validates notebooks with jsonschema, whose format checkers import rfc3987_syntax when it
# is installed (JupyterLab's jupyter-events brings it); that module compiles a grammar at import,
# about 2 s in every process that reads a notebook (the batch and each of its workers). Notebook
# schemas use no "iri" format, so without it jsonschema only skips a checker nothing asks for.
sys.modules.setdefault("rfc3987_syntax", None)

from .batch import BatchResult, run_batch, summary
from .index import index_html, read_manifests, write_index
from .notebook_params import (Parameter, batch_parameters, discover_notebooks, notebook_parameters,
                              validate_parameters)
from .periods import ReportPeriod, expand_periods, resolve_periods
from .sharing import (one_line, page_problems, sanitize_html, sanitize_page, scrub_notebook_metadata,
                      scrub_paths, with_csp)

__all__ = ["BatchResult", "Parameter", "ReportPeriod", "batch_parameters", "discover_notebooks",
           "expand_periods", "index_html", "notebook_parameters", "one_line", "page_problems",
           "read_manifests", "resolve_periods", "run_batch", "sanitize_html", "sanitize_page",
           "scrub_notebook_metadata", "scrub_paths", "summary", "validate_parameters", "with_csp",
           "write_index"]
