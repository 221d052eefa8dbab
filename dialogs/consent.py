"""Consent texts (152-FZ, art. 9): templates filled with the operator and the subject.

The wording is versioned by ``bot.participants.CONSENT_VERSION``; the exact text shown is
hashed into the consent record, so any change here must bump that version.
"""

from __future__ import annotations

from dialogs.i18n import N_

SELF_CONSENT = N_(
    "<b>Consent to the processing of personal data</b>\n\n"
    "I give my consent to the operator, {operator}, to process my personal data for my "
    "participation in the organisation's mentorship programme.\n\n"
    "<b>Purposes:</b> selecting a mentor or mentee and forming pairs and groups; planning "
    "meetings and sending reminders; collecting feedback; monitoring and reporting on the "
    "programme.\n\n"
    "<b>Data:</b> full name; date of birth; contact for the pair; place of study or work, "
    "class or course; the answers of the questionnaire (competencies, requests, interests, "
    "convenient days and times of meetings); my Telegram identifier; feedback on meetings.\n\n"
    "<b>Actions:</b> collection, recording, systematisation, storage, clarification, use, "
    "transfer to the programme curator and, within what I allow in the questionnaire, to my "
    "mentor or mentee, depersonalisation, deletion and destruction, with or without automation."
    "\n\n"
    "<b>Term:</b> until the end of my participation in the programme, but no longer than "
    "three years, or until I withdraw this consent.\n\n"
    "<b>Withdrawal:</b> at any time with the /revoke command in this bot; after that my data "
    "is deleted and no longer processed."
)

REPRESENTATIVE_CONSENT = N_(
    "<b>Consent of a legal representative to the processing of personal data of a minor</b>"
    "\n\n"
    "I, {representative}, a legal representative ({relation}), give my consent to the "
    "operator, {operator}, to process the personal data of my child (ward): {child}, born "
    "{birth_date}, and my own full name, phone number ({phone}) and Telegram identifier for "
    "the child's participation in the organisation's mentorship programme.\n\n"
    "<b>Purposes:</b> selecting a mentor and forming pairs and groups; planning meetings and "
    "sending reminders; collecting feedback; monitoring and reporting on the programme; "
    "checking that I am the child's legal representative: the programme curator compares my "
    "name and phone number with the school's records before a mentor is chosen; telling me "
    "who the child's mentor is and, if I choose so, the times of the meetings.\n\n"
    "<b>Data of the child:</b> full name; date of birth; contact of the child or of the "
    "representative; place of study, class; the answers of the questionnaire (requests, "
    "interests, convenient days and times of meetings); Telegram identifier; feedback on "
    "meetings.\n\n"
    "<b>Actions:</b> collection, recording, systematisation, storage, clarification, use, "
    "transfer to the programme curator and, within what the questionnaire allows, to the "
    "child's mentor, depersonalisation, deletion and destruction, with or without automation."
    "\n\n"
    "<b>Term:</b> until the end of the child's participation in the programme, but no longer "
    "than three years, or until I withdraw this consent.\n\n"
    "<b>Withdrawal:</b> at any time with the /revoke command in this bot; after that the "
    "child's data and my own (name and phone number) are deleted and no longer processed."
)

RELATION_LABELS = {
    "mother": N_("mother"),
    "father": N_("father"),
    "guardian": N_("guardian or trustee"),
    "other": N_("another legal representative"),
}
