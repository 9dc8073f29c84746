"""The comparison of an opening's candidates as CSV (cells made safe for spreadsheets)."""

import csv
import io

from config.csv_cells import spreadsheet_safe


def comparison_csv(*, opening, rows: list[dict]) -> str:
    criteria = (
        [c["name"] for c in rows[0]["criteria"]]
        if rows
        else [c.name for c in opening.rubric.criteria.order_by("order", "id")]
    )
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["rank", "candidate", "stage", "mean", "role_plays", "interviewers"]
    for name in criteria:
        header += [f"{name} mean", f"{name} spread", f"{name} disagreement"]
    writer.writerow(header)
    for row in rows:
        cells = [
            row["rank"] or "",
            spreadsheet_safe(row["candidate"].name),
            row["candidate"].get_stage_display(),
            row["mean"] if row["mean"] is not None else "",
            row["role_plays"],
            row["interviewers"],
        ]
        for criterion in row["criteria"]:
            cells += [
                criterion["mean"] if criterion["mean"] is not None else "",
                criterion["spread"] if criterion["spread"] is not None else "",
                "yes" if criterion["disagreement"] else "",
            ]
        writer.writerow(cells)
    return out.getvalue()
