"""One question model for surveys (``ballot/surveys``) and live polls (``ballot/polls``).

``model`` holds the kinds, limits and definition checks, ``answers`` reads submitted answers, ``branching`` decides
which questions are shown and ``labels`` gives the visible labels. This package imports no domain; each domain
adapts its own storage to it (a poll question is a question of kind single, multiple or yesno).
"""
