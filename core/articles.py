"""The vocabulary of the residency law: its articles (the residency categories the Ministry of
Interior numbers them by), kinds of sponsor, relations to a sponsor and professions.

What the law says about each (titles, who may sponsor, durations, salaries, fees) is data in
force on a day, with its legal basis: ``core.law`` (Decree-Law 114/2024 and its executive
regulations, Ministerial Decree 2249/2025).
"""

from __future__ import annotations

from django.db import models


class Article(models.IntegerChoices):
    TEMPORARY = 14, "Art. 14 — temporary residence"
    GOVERNMENT = 17, "Art. 17 — government sector work"
    PRIVATE_SECTOR = 18, "Art. 18 — private sector work"
    SELF_SPONSORED = 19, "Art. 19 — self-sponsored (partners, investors)"
    DOMESTIC_WORKER = 20, "Art. 20 — domestic worker"
    FAMILY_JOIN = 22, "Art. 22 — family join"
    SELF_RESIDENCE = 24, "Art. 24 — self residence"


class SponsorKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    COMPANY = "company", "Company"
    GOVERNMENT = "government", "Government body"
    MISSION = "mission", "Embassy, consulate or diplomatic mission"


class Relation(models.TextChoices):
    SPOUSE = "spouse", "Spouse"
    CHILD = "child", "Child"
    PARENT = "parent", "Parent"
    DOMESTIC_WORKER = "domestic_worker", "Domestic worker"
    EMPLOYEE = "employee", "Employee"
    SELF = "self", "Self"


class Profession(models.TextChoices):
    """Professions the law treats apart (salary exemptions); empty when not stated."""

    TEACHER = "teacher", "Teacher"
    UNIVERSITY_FACULTY = "university_faculty", "University faculty member"
    DOCTOR = "doctor", "Doctor"
    PHARMACIST = "pharmacist", "Pharmacist"
    NURSE = "nurse", "Nurse"
    MEDICAL_TECHNICIAN = "medical_technician", "Medical technician"
    ENGINEER = "engineer", "Engineer"
    LEGAL_COUNSEL = "legal_counsel", "Legal counsel or researcher"
    JUDGE_OR_PROSECUTOR = "judge_or_prosecutor", "Judge or prosecutor"
    IMAM = "imam", "Imam or muezzin"
    SOCIAL_WORKER = "social_worker", "Social worker or psychologist"
    JOURNALIST = "journalist", "Journalist"
    OTHER = "other", "Other"


# A permit is "expiring" within this many days of its expiry date.
EXPIRING_WITHIN_DAYS = 30
