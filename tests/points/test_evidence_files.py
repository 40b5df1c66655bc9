"""A points entry's evidence is a photo or a PDF, checked by its content (casework.attachments.check_evidence):
anything else is refused beside the field (page) or with 400 (API), and nothing is written."""

from django.core.files.uploadedfile import SimpleUploadedFile

from points.models import Claim


def _record(client, world, scheme, item, today, evidence, key):
    return client.post(
        "/points/record/",
        {
            "scheme": scheme.pk,
            "household": world.households["a1"].pk,
            "item": item.pk,
            "occurred_on": today.isoformat(),
            "client_key": key,
            "evidence": evidence,
        },
    )


def test_a_file_that_is_neither_a_photo_nor_a_pdf_is_refused(world, scheme, item, login, today):
    client = login(world.users["grid_a1"])
    bad = SimpleUploadedFile("proof.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    response = _record(client, world, scheme, item, today, bad, "e-1")
    assert response.status_code == 200 and not Claim.objects.exists()
    assert "proof.jpg" in response.content.decode()


def test_a_photo_and_a_pdf_are_taken(world, scheme, item, login, today, photo):
    client = login(world.users["grid_a1"])
    assert _record(client, world, scheme, item, today, photo(), "e-2").status_code == 302
    pdf = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", content_type="application/pdf")
    world.households["a1"].refresh_from_db()
    response = _record(client, world, scheme, item, today, pdf, "e-3")
    assert response.status_code in (200, 302)
    assert Claim.objects.filter(client_key="e-2").exists()
    if response.status_code == 200:  # only the item's cap may refuse a second entry, never the PDF
        assert "receipt.pdf" not in response.content.decode()


def test_the_api_refuses_what_is_not_evidence(world, scheme, client, api_token, today):
    from points.models import RuleItem

    declarable = RuleItem.objects.filter(rulebook__scheme=scheme, declarable=True).first()
    response = client.post(
        "/api/points/declarations",
        {
            "scheme_id": scheme.pk,
            "item_id": declarable.pk,
            "occurred_on": today.isoformat(),
            "evidence": SimpleUploadedFile("x.png", b"<html>not a photo</html>", content_type="image/png"),
        },
        **api_token(world.users["villager_a1"]),
    )
    assert response.status_code in (400, 422) and not Claim.objects.exists()
