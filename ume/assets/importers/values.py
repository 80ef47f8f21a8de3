"""Readers of one ledger cell each: the words real Japanese ledgers use for a type, a storage
place or a state, 高/中/低 for C/I/A, and the organization's own people, departments and levels.
Each returns the stored value or raises ``CellError`` saying what would be read."""

from typing import Any

from django.utils.translation import gettext as _

from ume.core.cells import CellError, header_key, normalise

from ..choices import AssetStatus, AssetType, DeviceIdKind, DeviceKind, Location, Ownership

# Words besides the labels (both languages), compared with header_key (NFKC, no spaces, casefold).
TYPE_WORDS = {
    AssetType.INFORMATION: ["情報資産", "データ", "文書", "書類"],
    AssetType.SOFTWARE: ["ソフト", "アプリケーション", "プログラム"],
    AssetType.HARDWARE: ["ハード", "機器", "端末", "物理的資産"],
    AssetType.SERVICE: ["クラウドサービス", "外部サービス"],
    AssetType.PEOPLE: ["人材", "要員", "人的資産"],
    AssetType.FACILITY: ["設備", "建物"],
}
LOCATION_WORDS = {
    Location.PAPER: ["紙", "紙媒体", "キャビネット", "書庫"],
    Location.FILE_SERVER: ["ファイルサーバ", "NAS", "共有フォルダ", "共有フォルダー"],
    Location.SAAS: ["クラウド", "SaaS", "クラウドサービス"],
    Location.BUSINESS_SYSTEM: ["業務システム", "社内システム", "サーバー", "サーバ"],
    Location.PC: ["パソコン", "ノートPC", "PC内"],
    Location.MOBILE: ["スマートフォン", "スマホ", "タブレット", "携帯電話"],
    Location.REMOVABLE: ["USB", "USBメモリ", "外部記録媒体", "外部媒体", "CD", "DVD", "外付けHDD"],
    Location.OFFICE: ["事業所", "施設内", "執務室", "社内"],
    Location.OTHER: ["その他"],
}
STATUS_WORDS = {
    AssetStatus.IN_USE: ["使用中", "運用中", "利用中", "有効"],
    AssetStatus.TO_DISPOSE: ["廃棄予定"],
    AssetStatus.DISPOSED: ["廃棄済", "廃棄済み", "廃棄", "削除済"],
}
# Endpoint items as MDM exports (Intune, Jamf and others) and Japanese lists write them.
DEVICE_WORDS = {
    DeviceKind.PC: ["パソコン", "ノートPC", "デスクトップ", "Desktop", "Laptop", "Computer"],
    DeviceKind.SMARTPHONE: ["スマホ", "携帯電話", "iPhone", "Phone", "Mobile"],
    DeviceKind.TABLET: ["iPad"],
    DeviceKind.REMOVABLE: ["USB", "USBメモリ", "外付けHDD"],
}
OWNERSHIP_WORDS = {
    Ownership.LENT: ["貸与", "会社", "会社所有", "Corporate", "Company", "Corporate-owned"],
    Ownership.PERSONAL: ["私物", "個人所有", "BYOD", "Personal", "Personally owned"],
}
ID_KIND_WORDS = {
    DeviceIdKind.CERTIFICATE: ["証明書", "Certificate"],
    DeviceIdKind.MDM: ["MDM", "Intune", "Device ID"],
    DeviceIdKind.MAC: ["MAC", "Wi-Fi MAC"],
}
# On/off words of MDM exports besides ○/× and Yes/No (read_mark).
SWITCH_WORDS = {
    "encrypted": True,
    "allpartitionsencrypted": True,
    "bootpartitionsencrypted": True,
    "enabled": True,
    "on": True,
    "有効": True,
    "暗号化済み": True,
    "managed": True,
    "intune": True,
    "mdm": True,
    "co-managed": True,
    "管理対象": True,
    "notencrypted": False,
    "disabled": False,
    "off": False,
    "無効": False,
    "未暗号化": False,
    "unmanaged": False,
    "管理対象外": False,
}
# The device type an MDM export leaves out, from its operating system.
OS_KINDS = (
    ("ipados", DeviceKind.TABLET),
    ("ios", DeviceKind.SMARTPHONE),
    ("android", DeviceKind.SMARTPHONE),
    ("windows", DeviceKind.PC),
    ("macos", DeviceKind.PC),
    ("mac os", DeviceKind.PC),
    ("os x", DeviceKind.PC),
    ("chrome", DeviceKind.PC),
    ("linux", DeviceKind.PC),
)
CIA_WORDS = {"3": 3, "2": 2, "1": 1, "高": 3, "中": 2, "低": 1, "h": 3, "m": 2, "l": 1}


def choice_table(choices, words: dict) -> dict[str, str]:
    """Every accepted spelling (values, labels in both languages, ``words``) → stored value;
    built once per import."""
    from django.utils import translation

    table: dict[str, str] = {}
    for value, label in choices:
        table[header_key(value)] = value
        for language in ("ja", "en"):
            with translation.override(language):
                table[header_key(str(label))] = value
    for value, extra in words.items():
        for word in extra:
            table.setdefault(header_key(word), value)
    return table


def read_choice(value: Any, table: dict[str, str], choices, column: str) -> str | None:
    """The stored value for a label or word of ``choices`` (``table``: ``choice_table``);
    None for a blank cell."""
    text = normalise(value)
    if not text:
        return None
    found = table.get(header_key(text))
    if found is None:
        raise CellError(
            _("{column}: “{value}” is not one of {allowed}.").format(
                column=column, value=text, allowed="、".join(str(label) for _v, label in choices)
            )
        )
    return found


def read_cia(value: Any, column: str) -> int | None:
    text = normalise(value)
    if not text:
        return None
    found = CIA_WORDS.get(text.casefold())
    if found is None:
        raise CellError(
            _("{column}: “{value}” is not a value from 1 to 3 (or 高, 中, 低).").format(
                column=column, value=text
            )
        )
    return found


class Directory:
    """The organization's people (by e-mail or full name), departments and classification
    levels (by name in either language), read once per import."""

    def __init__(self, organisation) -> None:
        from ume.core.models import Department, User

        from ..selectors import classification_levels

        members = User.objects.filter(
            memberships__organisation=organisation, memberships__is_active=True
        ).distinct()
        self.emails = {u.email.casefold(): u.pk for u in members}
        self.names: dict[str, list[int]] = {}
        for user in members:
            if user.full_name:
                self.names.setdefault(header_key(user.full_name), []).append(user.pk)
        self.departments = {
            header_key(d.name): d.pk for d in Department.objects.filter(organisation=organisation)
        }
        self.levels: dict[str, int] = {}
        for level in classification_levels(organisation):
            for name in (level.name_ja, level.name_en):
                if name:
                    self.levels[header_key(name)] = level.pk
        self.level_names = [lv.name_ja for lv in classification_levels(organisation)]

    def owner(self, value: Any, column: str) -> int | None:
        text = normalise(value)
        if not text:
            return None
        if text.casefold() in self.emails:
            return self.emails[text.casefold()]
        matches = self.names.get(header_key(text), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise CellError(
                _(
                    "{column}: more than one member is named “{value}”. Enter the e-mail address."
                ).format(column=column, value=text)
            )
        raise CellError(
            _(
                "{column}: “{value}” is not a member of this organization. Enter a member's "
                "e-mail address or full name."
            ).format(column=column, value=text)
        )

    def department(self, value: Any, column: str) -> int | None:
        text = normalise(value)
        if not text:
            return None
        found = self.departments.get(header_key(text))
        if found is None:
            raise CellError(
                _(
                    "{column}: there is no department “{value}”. Add it under Departments first."
                ).format(column=column, value=text)
            )
        return found

    def level(self, value: Any, column: str) -> int | None:
        text = normalise(value)
        if not text:
            return None
        found = self.levels.get(header_key(text))
        if found is None:
            raise CellError(
                _("{column}: “{value}” is not a classification level. Use one of {levels}.").format(
                    column=column, value=text, levels="、".join(self.level_names)
                )
            )
        return found


def read_switch(value: Any, column: str) -> bool | None:
    """On or off: ○/×, Yes/No, or an MDM's words (Encrypted, Managed, 有効 …)."""
    from ume.core.cells import read_mark

    found = SWITCH_WORDS.get(header_key(normalise(value)))
    if found is not None:
        return found
    try:
        return read_mark(value)
    except CellError as exc:
        raise CellError(f"{column}: {exc.message}") from None


def kind_from_os(os_name: str) -> str:
    """The device type an operating system implies ("" when it says nothing)."""
    text = (os_name or "").casefold()
    return next((kind for word, kind in OS_KINDS if word in text), "")
