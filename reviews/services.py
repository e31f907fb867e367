"""Writes of the reviews domain: keyword-only services taking the acting user, each in one
transaction, with their side effects in the docstring.

Sections: the reviewing side (pledges, conflicts, screening, assignment, reviews), then
the selection side (decisions, approvals, announcement).
"""

# =========================================================================================
# Reviewing: pledges, conflicts, screening, assignment, reviews
# =========================================================================================


# =========================================================================================
# Selection: decisions, joint approval, announcement
# =========================================================================================
