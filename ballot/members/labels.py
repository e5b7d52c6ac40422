"""Translated names of dues states, member classes, genders and consents, as the registry pages show them."""

from __future__ import annotations

from babel.support import LazyProxy

from ballot.i18n import lazy_gettext
from ballot.members.models import ConsentKind, DuesStatus, Gender, MemberClass

DUES: dict[DuesStatus, LazyProxy] = {
    DuesStatus.PAID: lazy_gettext("Paid"),
    DuesStatus.DUE: lazy_gettext("Due"),
    DuesStatus.OVERDUE: lazy_gettext("Overdue"),
    DuesStatus.EXEMPT: lazy_gettext("Exempt"),
}

MEMBER_CLASSES: dict[MemberClass, LazyProxy] = {
    MemberClass.FULL: lazy_gettext("Full member"),
    MemberClass.SUPPORTING: lazy_gettext("Supporting member"),
    MemberClass.GUEST: lazy_gettext("Guest member"),
}

GENDERS: dict[Gender, LazyProxy] = {
    Gender.FEMALE: lazy_gettext("female"),
    Gender.MALE: lazy_gettext("male"),
    Gender.DIVERSE: lazy_gettext("diverse"),
    Gender.UNSPECIFIED: lazy_gettext("not specified"),
}

#: Title and explanation of each consent, shown beside its checkbox.
CONSENTS: dict[ConsentKind, tuple[LazyProxy, LazyProxy]] = {
    ConsentKind.NEWSLETTER: (
        lazy_gettext("Newsletter"),
        lazy_gettext("Receive the party's newsletter by email, at most a few times a month."),
    ),
    ConsentKind.DISCUSSION_MAIL: (
        lazy_gettext("Discussion notifications"),
        lazy_gettext("Receive emails about new posts in discussions you follow, and digests."),
    ),
    ConsentKind.CONTACT_VISIBLE: (
        lazy_gettext("Contact details visible to members"),
        lazy_gettext("Members of your units may see your email address and phone number."),
    ),
}
