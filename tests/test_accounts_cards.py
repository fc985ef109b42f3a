"""Saved cards: saved only on request and after payment, owned by the signed-in shopper, deleted via UPDATE_TOKEN."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.merchant_page.flow import token_allowed
from shop.models import Order, PaymentAttempt, PaymentEvent, SavedCard, User
from tests.mp_support import PASSWORD, VISA_3DS, Shopper, csrf_token, find_form, merchant_reference_of


# -- ownership (test client, SQLite and PostgreSQL) ----------------------------


def make_user(email: str) -> User:
    from shop.accounts.service import hash_password

    user = User(email=email, password_hash=hash_password(PASSWORD))
    db.session.add(user)
    db.session.commit()
    return user


def make_card(user: User, token_name: str, last_four: str = "0001") -> SavedCard:
    card = SavedCard(user_id=user.id, token_name=token_name, payment_option="VISA",
                     card_number=f"400555******{last_four}", expiry_date="3912", card_holder_name="Owner")
    db.session.add(card)
    db.session.commit()
    return card


def sign_in(client: Any, email: str) -> None:
    response = client.post("/account/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def two_shoppers(app: Any) -> Any:
    with app.app_context():
        owner = make_user("owner@example.com")
        other = make_user("other@example.com")
        card = make_card(owner, "SCowner0000000000000000000000000001")
        yield owner.id, other.id, card.id


def test_other_shoppers_card_not_deletable(app: Any, client: Any, two_shoppers: Any) -> None:
    _, _, card_id = two_shoppers
    sign_in(client, "other@example.com")
    response = client.post(f"/account/cards/{card_id}/delete")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(SavedCard, card_id) is not None
    assert db.session.scalar(select(PaymentEvent)) is None  # no UPDATE_TOKEN was sent


def test_signed_out_cannot_delete(app: Any, client: Any, two_shoppers: Any) -> None:
    _, _, card_id = two_shoppers
    response = client.post(f"/account/cards/{card_id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(SavedCard, card_id) is not None


def test_account_lists_own_cards_only(client: Any, two_shoppers: Any) -> None:
    sign_in(client, "other@example.com")
    body = client.get("/account/").get_data(as_text=True)
    assert "400555******0001" not in body
    assert "You have no saved cards." in body


def test_pay_page_offers_own_cards_only(app: Any, client: Any, two_shoppers: Any) -> None:
    owner_id, other_id, _ = two_shoppers
    make_card(db.session.get(User, other_id), "SCother0000000000000000000000000002", last_four="4242")
    sign_in(client, "other@example.com")
    client.post("/cart/add", data={"sku": "DATES-SA", "quantity": "1"})
    response = client.post("/checkout/", data={"customer_email": "other@example.com", "customer_name": "",
                                               "payment_method": "card_mp"}, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "SCother0000000000000000000000000002" in body
    assert "•••• 4242" in body
    assert "SCowner0000000000000000000000000001" not in body
    assert "•••• 0001" not in body


def test_token_allowed_rules(app: Any, two_shoppers: Any) -> None:
    owner_id, other_id, _ = two_shoppers
    order = Order(number="ORDTOKEN01", customer_email="other@example.com", currency="SAR", total=Decimal("45.00"),
                  user_id=other_id)
    attempt = PaymentAttempt(order=order, merchant_reference="ORDTOKEN01-AAAAAA", method="card_mp",
                             integration="merchant_page", command="PURCHASE", amount_minor="4500", currency="SAR",
                             details={"new_token_name": "SCassigned"})
    db.session.add_all([order, attempt])
    db.session.commit()
    assert token_allowed(attempt, "SCassigned")
    assert not token_allowed(attempt, "SCowner0000000000000000000000000001")
    assert not token_allowed(attempt, "apsgenerated")
    make_card(db.session.get(User, other_id), "SCother0000000000000000000000000002")
    assert token_allowed(attempt, "SCother0000000000000000000000000002")

    guest_order = Order(number="ORDTOKEN02", customer_email="g@example.com", currency="SAR", total=Decimal("45.00"))
    guest = PaymentAttempt(order=guest_order, merchant_reference="ORDTOKEN02-AAAAAA", method="card_mp",
                           integration="merchant_page", command="PURCHASE", amount_minor="4500", currency="SAR", details={})
    db.session.add_all([guest_order, guest])
    db.session.commit()
    assert token_allowed(guest, "apsgenerated")


# -- with the simulator over HTTP ---------------------------------------------


def signed_up_shopper(stack: Any, email: str = "saver@example.com") -> Shopper:
    shopper = Shopper(stack)
    assert shopper.sign_up(email).status_code == 200
    return shopper


def saved_cards(stack: Any) -> list[SavedCard]:
    with stack.shop_app.app_context():
        cards = list(db.session.scalars(select(SavedCard)))
        for card in cards:
            db.session.expunge(card)
        return cards


def pay_new_card(shopper: Shopper, remember_me: str, number: str = "4005550000000001") -> Any:
    shopper.add_to_cart("DATES-SA")
    pay_page = shopper.checkout("card_mp")
    shopper.prepare(pay_page.text, remember_me=remember_me)
    return pay_page, shopper.submit_card(pay_page.text, number=number, remember_me=remember_me)


def test_guest_gets_no_token_and_no_save_box(stack: Any) -> None:
    shopper = Shopper(stack)
    shopper.add_to_cart("DATES-SA")
    pay_page = shopper.checkout("card_mp")
    form = find_form(pay_page.text, id="mp-new")
    assert "token_name" not in form.fields
    assert 'data-role="remember"' not in pay_page.text


def test_card_saved_when_asked(stack: Any) -> None:
    shopper = signed_up_shopper(stack)
    pay_page, back = pay_new_card(shopper, "YES")
    form = find_form(pay_page.text, id="mp-new")
    receipt = shopper.follow(back)
    assert 'data-order-status="paid"' in receipt.text
    [card] = saved_cards(stack)
    assert card.token_name == form.fields["token_name"]
    assert card.card_number == "400555******0001"
    assert card.expiry_date == "3912"
    assert card.payment_option == "VISA"


def test_card_not_saved_without_consent(stack: Any) -> None:
    shopper = signed_up_shopper(stack)
    _, back = pay_new_card(shopper, "NO")
    shopper.follow(back)
    assert saved_cards(stack) == []


def test_card_saved_after_three_ds(stack: Any) -> None:
    shopper = signed_up_shopper(stack)
    _, back = pay_new_card(shopper, "YES", number=VISA_3DS)
    challenge = shopper.follow(back)
    assert "/sim/3ds/" in challenge.url
    assert saved_cards(stack) == []
    shopper.follow(shopper.http.post(challenge.url, data={"outcome": "authenticate"}, allow_redirects=False, timeout=30))
    [card] = saved_cards(stack)
    assert card.card_number == "455701******8902"


def test_card_not_saved_when_three_ds_fails(stack: Any) -> None:
    shopper = signed_up_shopper(stack)
    _, back = pay_new_card(shopper, "YES", number=VISA_3DS)
    challenge = shopper.follow(back)
    receipt = shopper.follow(shopper.http.post(challenge.url, data={"outcome": "fail"}, allow_redirects=False, timeout=30))
    assert 'data-order-status="declined"' in receipt.text
    assert saved_cards(stack) == []


def test_pay_with_saved_card_cvv_only(stack: Any) -> None:
    shopper = signed_up_shopper(stack)
    shopper.follow(pay_new_card(shopper, "YES")[1])
    [card] = saved_cards(stack)

    shopper.add_to_cart("DATES-SA")
    pay_page = shopper.checkout("card_mp")
    reference = merchant_reference_of(pay_page)
    form = find_form(pay_page.text, id=f"mp-saved-{card.id}")
    assert form.fields["token_name"] == card.token_name
    assert set(form.fields) >= {"service_command", "signature", "merchant_reference", "card_security_code"}
    assert "card_number" not in form.fields
    shopper.prepare(pay_page.text)
    receipt = shopper.follow(shopper.submit_saved_card(pay_page.text, card.id))
    assert 'data-order-status="paid"' in receipt.text
    with stack.shop_app.app_context():
        answer = db.session.scalar(select(PaymentEvent).where(PaymentEvent.merchant_reference == reference,
                                                               PaymentEvent.transport == "api-response"))
        assert answer.params["token_name"] == card.token_name
        assert "card_security_code" not in answer.params
        assert "remember_me" not in answer.params
    assert len(saved_cards(stack)) == 1


def delete(shopper: Shopper, card_id: int) -> Any:
    page = shopper.get("/account/")
    return shopper.post(f"/account/cards/{card_id}/delete", {"csrf_token": csrf_token(page.text)})


def test_delete_sends_update_token(stack: Any) -> None:
    shopper = signed_up_shopper(stack)
    shopper.follow(pay_new_card(shopper, "YES")[1])
    [card] = saved_cards(stack)
    page = delete(shopper, card.id)
    assert "The card was deleted." in page.text
    assert saved_cards(stack) == []
    with stack.shop_app.app_context():
        event = db.session.scalar(select(PaymentEvent).where(PaymentEvent.response_code == "58000"))
        assert event.params["token_name"] == card.token_name
        assert event.params["token_status"] == "INACTIVE"
        assert event.params["merchant_reference"].startswith("TOK-")
    # The token is inactive at APS now: a payment with it is refused (00044).
    token = stack.simulator_app.extensions["aps_simulator"].store.find_token(card.token_name)
    assert token.status == "INACTIVE"


def test_delete_kept_when_aps_refuses(stack: Any) -> None:
    shopper = signed_up_shopper(stack)
    with stack.shop_app.app_context():
        user = db.session.scalar(select(User))
        card = make_card(user, "SCunknownAtAps000000000000000000000")
        card_id = card.id
    page = delete(shopper, card_id)
    assert "did not delete the card" in page.text
    assert "00044" in page.text
    assert [card.id for card in saved_cards(stack)] == [card_id]


def test_delete_kept_when_aps_unreachable(stack_factory: Any) -> None:
    stack = stack_factory(simulator_overrides={"SIMULATOR_API_FAULT": "http_500", "SIMULATOR_API_FAULT_COMMANDS": "UPDATE_TOKEN"})
    shopper = signed_up_shopper(stack)
    shopper.follow(pay_new_card(shopper, "YES")[1])
    [card] = saved_cards(stack)
    page = delete(shopper, card.id)
    assert "could not be reached" in page.text
    assert len(saved_cards(stack)) == 1


def test_sign_up_then_sign_in_over_http(stack: Any) -> None:
    shopper = signed_up_shopper(stack, "again@example.com")
    page = shopper.get("/account/")
    shopper.post("/account/sign-out", {"csrf_token": csrf_token(page.text)})
    response = shopper.sign_in("again@example.com")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account/"
    assert re.search(r"Signed in as\s*<span dir=\"ltr\">again@example.com", shopper.get("/account/").text)
