"""Member surveys (Mitgliederbefragung): non-binding questionnaires for a unit or a group (docs/surveys.md)."""
