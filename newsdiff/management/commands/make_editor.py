import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

GROUP = "Editors"
PASSWORD_ENV = "NEWSDIFF_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = ("Create an editor (a staff account in the Editors group), or make an existing account one. "
            f"Asks for the password; with --noinput it is read from ${PASSWORD_ENV}.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, username, email, interactive, **options):
        try:
            group = Group.objects.get(name=GROUP)
        except Group.DoesNotExist:
            raise CommandError(f"no {GROUP!r} group: run manage.py migrate first") from None
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=email)
            try:  # the username's own rules (length, characters), as the admin's user form checks them
                user.clean_fields(exclude=["password"])
            except ValidationError as e:
                raise CommandError("; ".join(f"{field}: {' '.join(m)}" for field, m in e.message_dict.items())) from None
            password = self._password(user, interactive)
            user.set_password(password)
        user.is_staff = True
        user.save()
        user.groups.add(group)
        self.stdout.write(f"{username} is an editor: log in at /admin/ or on a story page's drill-down.")

    def _password(self, user, interactive) -> str:
        if not interactive:
            password = os.environ.get(PASSWORD_ENV, "")
            if not password:
                raise CommandError(f"--noinput needs the password in ${PASSWORD_ENV}")
            self._validate(password, user)
            return password
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords differ; try again.")
                continue
            try:
                self._validate(password, user)
            except CommandError as e:
                self.stderr.write(str(e))
                continue
            return password

    def _validate(self, password, user):
        try:
            validate_password(password, user)
        except ValidationError as e:
            raise CommandError("; ".join(e.messages)) from None
