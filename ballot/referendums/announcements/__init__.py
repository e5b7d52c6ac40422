"""The announcement: the letters and mails with the voting credentials, their schedule, reissued credentials."""
