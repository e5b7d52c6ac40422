"""The names of the cookies the application sets: the login session and the chosen language."""

SESSION_COOKIE = "ballot_session"
LOCALE_COOKIE = "lang"
