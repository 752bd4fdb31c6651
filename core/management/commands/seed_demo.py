"""Load the demo data set. Idempotent: run it as often as you like.

- Rajesh Kumar (Art. 18, works for Gulf Tech) with his wife, two children and a domestic
  worker on his own file, their permits inside the renewal window; he signs in as ``rajesh`` /
  ``demo-pass-123``. The agencies' simulator holds traffic fines for his wife and no health
  cover for his first child; his company has a worker with a travel ban and one with a court
  case that goes to review.
- Gulf Tech Trading Co. with 200 Art. 18 workers, some permits expiring within 30 days; its HR
  officer signs in as ``hr.gulftech`` / ``demo-pass-123``.
- The Ministry of Health as a government sponsor with Art. 17 staff.
- A back-office officer ``officer`` / ``demo-pass-123``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from core.demo import seed_demo


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent)."

    def handle(self, *args, **options) -> None:
        summary = seed_demo()
        self.stdout.write(self.style.SUCCESS(f"demo data ready: {summary}"))
