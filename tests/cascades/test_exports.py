"""Cascade exports (lantoa.cascades.exports): CSV and XLSX of the roll-up."""

from __future__ import annotations

import csv
import io

from django.test import Client
from django.urls import reverse

from lantoa.audit.models import AuditEvent
from lantoa.cascades import services
from tests.cascades.support import make, row
from tests.conftest import Officers, Tree, login


def test_exports_csv_and_xlsx(client: Client, tree: Tree, officers: Officers) -> None:
    import openpyxl

    cascade = make(tree.pa, send=True)
    services.recipient_advance(recipient=row(cascade, tree.a_g1), actor=None, state="done")
    services.recipient_advance(recipient=row(cascade, tree.a_g2), actor=None, state="received")
    login(client, officers.a_admin)
    base = reverse("cascades:export", args=[cascade.pk])
    response = client.get(base + "?bang=tong-hop&dinh-dang=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Mã đơn vị", "Đơn vị", "Loại đơn vị", "Số đơn vị nhận"]
    # Children by kind (commune before industrial zone), then name.
    assert rows[1][0] == "A-XA" and rows[1][3:8] == ["2", "0", "0", "0", "0"]
    assert rows[2][:2] == ["A-KCN", "Công đoàn các Khu công nghiệp tỉnh An Giang"]
    assert rows[2][3:8] == ["3", "2", "1", "1", "1"]
    assert rows[3][3:9] == ["5", "2", "1", "1", "1", "20.0"]
    response = client.get(base + "?bang=cham-tre&dinh-dang=xlsx&don-vi=A-KCN")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    values = list(book.active.iter_rows(values_only=True))
    assert [v[0] for v in values[1:]] == ["A-KCN", "A-G2"]
    assert values[2][6] == "Đã nhận"
    assert AuditEvent.objects.filter(action="cascade.export").count() == 2
    assert client.get(base + "?bang=khac&dinh-dang=csv").status_code == 404
    login(client, officers.a_communicator)  # sees the cascade, may not export
    assert client.get(base + "?bang=tong-hop&dinh-dang=csv").status_code == 403
