"""Motions (Anträge) and amendments (Änderungsanträge): consultations with a fixed line length, line-numbered
versions, co-authors, tracked-change amendments, supporters, a workflow with history, merging, the motion book."""
