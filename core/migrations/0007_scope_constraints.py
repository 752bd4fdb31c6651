"""Owners hold every scope; acting implies viewing (after 0006 made the rows so)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0006_staff_become_owners")]

    operations = [
        migrations.AddConstraint(
            model_name='apitoken',
            constraint=models.CheckConstraint(condition=models.Q(('renew', False), ('view_workers', True), _connector='OR'), name='token_renew_implies_view_workers'),
        ),
        migrations.AddConstraint(
            model_name='apitoken',
            constraint=models.CheckConstraint(condition=models.Q(('pay', False), ('view_workers', True), _connector='OR'), name='token_pay_implies_view_workers'),
        ),
        migrations.AddConstraint(
            model_name='sponsorstaff',
            constraint=models.CheckConstraint(condition=models.Q(('role', 'delegate'), models.Q(('integrations', True), ('manage_delegates', True), ('pay', True), ('renew', True), ('view_workers', True)), _connector='OR'), name='owner_holds_every_scope'),
        ),
        migrations.AddConstraint(
            model_name='sponsorstaff',
            constraint=models.CheckConstraint(condition=models.Q(('renew', False), ('view_workers', True), _connector='OR'), name='staff_renew_implies_view_workers'),
        ),
        migrations.AddConstraint(
            model_name='sponsorstaff',
            constraint=models.CheckConstraint(condition=models.Q(('pay', False), ('view_workers', True), _connector='OR'), name='staff_pay_implies_view_workers'),
        ),
    ]
