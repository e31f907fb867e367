"""Companies, applications, documents and status history (see the applicant journey)."""
