"""Create the demo organisation 梅商事株式会社 (idempotent) and print the demo logins."""

import datetime as dt
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation

from ume.core.apps import demo_hooks

from ... import services
from ...audit import acting_as
from ...choices import BusinessType, Industry, ItDependency, MfaRequirement, Role
from ...models import Membership, Organisation, User

DEMO_ORG = "梅商事株式会社"
DOMAIN = "ume-demo.example"
PEOPLE = [  # (local part, full name, role, department, scope)
    ("admin", "梅田 花子", Role.ADMIN, "情報システム部", None),
    ("jimukyoku", "松本 健一", Role.SECRETARIAT, "総務部", None),
    ("shacho", "竹内 誠", Role.TOP_MANAGEMENT, None, None),
    ("somu", "桜井 由美", Role.DEPARTMENT_HEAD, "総務部", "本社"),
    ("eigyo", "菊池 大輔", Role.DEPARTMENT_HEAD, "営業部", "本社"),
    ("kaihatsu", "藤原 翔", Role.DEPARTMENT_HEAD, "開発部", "開発センター"),
    ("staff1", "山田 太郎", Role.STAFF, "営業部", "本社"),
    ("staff2", "佐藤 美咲", Role.STAFF, "開発部", "開発センター"),
    ("auditor", "鈴木 一郎", Role.INTERNAL_AUDITOR, "品質保証部", None),
    ("shinsa", "高橋 恵", Role.EXTERNAL_AUDITOR, None, "本社"),
]
SCOPES = [
    {
        "name": "本社",
        "boundaries": "本社における営業・管理業務及びそれを支える情報システム",
        "sites": "東京都千代田区（本社）",
        "certification_body": "（審査機関名を入力）",
        "certificate_number": "IS 000001",
        "certified_on": dt.date(2023, 4, 1),
        "certificate_expires_on": dt.date(2026, 3, 31),
    },
    {
        "name": "開発センター",
        "boundaries": "受託ソフトウェア開発及びクラウドサービスの運用",
        "sites": "大阪府大阪市（開発センター）\nクラウド（IaaS）上の開発・検証環境",
    },
]
DEPARTMENTS = [
    ("総務部", ["本社"]),
    ("営業部", ["本社"]),
    ("情報システム部", ["本社", "開発センター"]),
    ("開発部", ["開発センター"]),
    ("品質保証部", ["本社", "開発センター"]),
]


class Command(BaseCommand):
    help = "Create the demo organization with scopes, departments and a user in every role."

    def handle(self, *args, **options):
        cred_file = settings.VAR_DIR / "demo-credentials.txt"
        if not Organisation.objects.filter(name=DEMO_ORG).exists():
            password = secrets.token_urlsafe(12)
            with transaction.atomic(), translation.override("ja"):
                self._create(password)
            cred_file.parent.mkdir(parents=True, exist_ok=True)
            cred_file.write_text(password)
            cred_file.chmod(0o600)
        password = cred_file.read_text().strip() if cred_file.exists() else "(unknown)"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nDemo organisation: {DEMO_ORG}\n"
                f"  Administrator: admin@{DOMAIN}  password: {password}\n"
                f"  Other demo users (same password): "
                + ", ".join(f"{p[0]}@{DOMAIN}" for p in PEOPLE[1:])
                + "\n"
            )
        )

    def _create(self, password: str) -> None:
        users = {}
        for local, name, *_ in PEOPLE:
            user = User.objects.filter(email=f"{local}@{DOMAIN}").first()
            if user is None:
                user = User.objects.create_user(f"{local}@{DOMAIN}", password, full_name=name)
            users[local] = user
        admin = users["admin"]
        org = services.organisation_create(
            actor=admin,
            name=DEMO_ORG,
            admin=admin,
            name_en="Ume Shoji Co., Ltd.",
            industry=Industry.WHOLESALE_RETAIL,
            employee_count=40,
            business_type=BusinessType.B2B,
            it_dependency=ItDependency.MEDIUM,
            has_public_systems=True,
            require_mfa=MfaRequirement.NONE,
        )
        scopes = {
            s["name"]: services.scope_create(actor=admin, organisation=org, data=s) for s in SCOPES
        }
        departments = {
            name: services.department_create(
                actor=admin,
                organisation=org,
                data={"name": name, "scopes": [scopes[s] for s in in_scopes]},
            )
            for name, in_scopes in DEPARTMENTS
        }
        with acting_as(admin):
            for local, _name, role, dept, scope in PEOPLE[1:]:
                Membership.objects.create(
                    user=users[local],
                    organisation=org,
                    role=role,
                    scope=scopes[scope] if scope else None,
                    department=departments[dept] if dept else None,
                    valid_until=(
                        timezone.localdate() + dt.timedelta(days=12)  # until the 審査 ends
                        if role == Role.EXTERNAL_AUDITOR
                        else None
                    ),
                )
        for local, _name, _role, dept, _scope in PEOPLE:
            if dept and local in ("somu", "eigyo", "kaihatsu"):
                departments[dept] = services.department_update(
                    actor=admin,
                    department=departments[dept],
                    data={"head": users[local]},
                    version=departments[dept].version,
                )
        # API tokens as a 40-person company keeps them: the IT lead's inventory script, and the
        # certification auditor's read-only access for the 審査 (keys are not kept: shown once).
        services.api_token_create(
            actor=admin, organisation=org, name="資産棚卸しスクリプト（情報システム部）", days=180
        )
        services.api_token_create(
            actor=users["shinsa"], organisation=org, name="審査資料の取得", days=30, read_only=True
        )
        for hook in demo_hooks():  # each domain app adds its own demo records
            hook(organisation=org, scopes=scopes, users=users)
