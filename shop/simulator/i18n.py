"""English and Arabic text of the simulator's pages and APS response messages.

The simulator is a separate program from the shop, so it keeps its own small
dictionary instead of the shop's Babel catalogue. Every page string and every
``response_message`` it emits exists in both languages. A missing key raises
KeyError, so the tests catch it before a raw key reaches a tester.
"""

from __future__ import annotations

from typing import Any

from flask import render_template

from shop.aps.codes import MESSAGE_MEANINGS

LANGUAGES = ("en", "ar")
DEFAULT_LANGUAGE = "en"

# Arabic response messages by the three-digit message part of response_code.
# NOTE: APS does not publish its Arabic response_message wording; these are
# the simulator's own translations, so shops must not match on the text.
ARABIC_MESSAGES: dict[str, str] = {
    "000": "عملية ناجحة",
    "001": "معامل مفقود",
    "002": "صيغة المعامل غير صالحة",
    "003": "خيار الدفع غير متاح لحساب هذا التاجر",
    "004": "أمر غير صالح",
    "005": "مبلغ غير صالح",
    "006": "مشكلة فنية",
    "007": "رقم طلب مكرر",
    "008": "التوقيع غير مطابق",
    "009": "معرّف التاجر غير صالح",
    "010": "رمز الوصول غير صالح",
    "012": "البطاقة منتهية الصلاحية",
    "013": "عملة غير صالحة",
    "016": "رقم البطاقة غير صالح",
    "027": "معاملات إضافية غير صالحة",
    "029": "الرصيد غير كافٍ",
    "030": "فشلت المصادقة",
    "032": "طول المعامل غير صالح",
    "036": "الطلب غير موجود",
    "037": "رابط العودة مفقود",
    "049": "العملية غير صالحة لخيار الدفع هذا",
    "064": "مطلوب التحقق الآمن ثلاثي الأبعاد (3-D Secure)",
    "066": "مرجع التاجر موجود مسبقاً",
    "072": "ألغى العميل العملية",
    "073": "صيغة الطلب غير صالحة",
    "080": "خيار دفع غير صالح",
    "666": "تم رفض العملية",
    "777": "تمت معالجة العملية لكن لم يصل تأكيدها",
}


def response_message(response_code: str, language: str) -> str:
    """Return the ``response_message`` of a five-digit code in ``language`` (en or ar).

    English follows the APS transaction-code table without the final period,
    as APS sends it ("Signature mismatch", "Success").
    """
    message_code = response_code[2:]
    if language == "ar" and message_code in ARABIC_MESSAGES:
        return ARABIC_MESSAGES[message_code]
    english = MESSAGE_MEANINGS.get(message_code)
    if english is None:
        raise KeyError(f"no message text for response_code {response_code!r}")
    return english.rstrip(".")


TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "sandbox_label": "APS sandbox simulator",
        "sandbox_warning": "Local test environment. This is not Amazon Payment Services and no real money moves.",
        "other_language": "العربية",
        "card_page_title": "Pay by card",
        "merchant": "Merchant",
        "amount": "Amount",
        "order_reference": "Order reference",
        "card_number": "Card number",
        "expiry": "Expiry date (MM/YY)",
        "cvv": "Security code (CVV)",
        "card_holder_name": "Name on card",
        "pay": "Pay {amount}",
        "cancel": "Cancel",
        "accepted_cards": "Accepted: {brands}",
        "form_has_errors": "Check the fields marked below.",
        "error_card_number": "Enter a valid card number.",
        "error_card_brand": "This card type is not accepted. Use Visa, Mastercard, American Express or mada.",
        "error_card_option": "This card does not match the selected payment method ({option}).",
        "error_expiry_format": "Enter the expiry date as MM/YY.",
        "error_expiry_past": "This card has expired.",
        "error_cvv": "Enter the {length}-digit security code.",
        "error_holder_missing": "Enter the name on the card.",
        "error_holder_length": "The name on the card can have at most {length} characters.",
        "threeds_title": "3-D Secure authentication",
        "threeds_intro": "This page stands in for the card issuer's 3-D Secure check. Choose the outcome to test.",
        "card": "Card",
        "threeds_authenticate": "Authenticate",
        "threeds_fail": "Fail authentication",
        "threeds_cancel": "Cancel payment",
        "returning_title": "Returning to the merchant",
        "returning_text": "Sending the payment result to the merchant. If nothing happens, press Continue.",
        "continue": "Continue",
        "error_title": "Payment request rejected",
        "error_no_return_url": "The request has no usable return URL, so the result is shown here instead of being sent to the merchant.",
        "response_code": "Response code",
        "response_message": "Message",
        "detail": "Detail",
        "session_title": "Payment page no longer available",
        "session_text": "This payment page has expired or was already used. Start the payment again from the shop.",
        "index_title": "APS sandbox simulator",
        "index_intro": "A local stand-in for Amazon Payment Services (APS). It speaks the APS protocol, so a shop configured for the simulator runs with no internet access and no APS account.",
        "endpoints": "Endpoints",
        "endpoint_page": "Hosted payment page (browser form POST)",
        "endpoint_api": "Server-to-server API (JSON POST)",
        "merchant_settings": "Merchant settings",
        "merchant_identifier": "Merchant identifier",
        "access_code": "Access code",
        "sha_type": "SHA type",
        "feedback_url": "Direct transaction feedback URL",
        "notification_url": "Notification feedback URL",
        "feedback_format": "Feedback format",
        "not_set": "not set",
        "test_cards": "Test cards",
        "test_cards_intro": "Use any future expiry date and any name. Any other valid Visa, Mastercard, American Express or mada number is approved without 3-D Secure.",
        "brand": "Brand",
        "number": "Number",
        "result": "Result",
        "source": "Source",
        "source_aps": "APS sandbox card",
        "source_simulator": "Simulator only",
        "behaviour_success": "Approved without 3-D Secure (14000, or 02000 for AUTHORIZATION)",
        "behaviour_3ds_challenge": "3-D Secure challenge page: authenticate, fail (13030, or 03030 for AUTHORIZATION) or cancel (00072)",
        "behaviour_decline": "Declined (13666, or 03666 for AUTHORIZATION)",
        "behaviour_insufficient_funds": "Insufficient funds (13029, or 03029 for AUTHORIZATION)",
        "behaviour_pending": "Uncertain (15777) first; after {seconds} s a notification feedback reports success",
        "purchase_only": "PURCHASE only; AUTHORIZATION is answered with 00049",
    },
    "ar": {
        "sandbox_label": "محاكي بيئة اختبار APS",
        "sandbox_warning": "بيئة اختبار محلية. هذه ليست خدمات الدفع من أمازون (APS) ولا تُنقل أي أموال حقيقية.",
        "other_language": "English",
        "card_page_title": "الدفع بالبطاقة",
        "merchant": "التاجر",
        "amount": "المبلغ",
        "order_reference": "مرجع الطلب",
        "card_number": "رقم البطاقة",
        "expiry": "تاريخ الانتهاء (MM/YY)",
        "cvv": "رمز الأمان (CVV)",
        "card_holder_name": "الاسم على البطاقة",
        "pay": "ادفع {amount}",
        "cancel": "إلغاء",
        "accepted_cards": "البطاقات المقبولة: {brands}",
        "form_has_errors": "راجع الحقول المشار إليها أدناه.",
        "error_card_number": "أدخل رقم بطاقة صحيحاً.",
        "error_card_brand": "نوع البطاقة هذا غير مقبول. استخدم فيزا أو ماستركارد أو أمريكان إكسبريس أو مدى.",
        "error_card_option": "هذه البطاقة لا تطابق وسيلة الدفع المختارة ({option}).",
        "error_expiry_format": "أدخل تاريخ الانتهاء بالصيغة MM/YY.",
        "error_expiry_past": "انتهت صلاحية هذه البطاقة.",
        "error_cvv": "أدخل رمز الأمان المكوّن من {length} أرقام.",
        "error_holder_missing": "أدخل الاسم كما يظهر على البطاقة.",
        "error_holder_length": "يمكن أن يحتوي الاسم على البطاقة على {length} حرفاً كحد أقصى.",
        "threeds_title": "التحقق الآمن ثلاثي الأبعاد (3-D Secure)",
        "threeds_intro": "تحل هذه الصفحة محل تحقق 3-D Secure لدى البنك المُصدر للبطاقة. اختر النتيجة التي تريد اختبارها.",
        "card": "البطاقة",
        "threeds_authenticate": "إتمام التحقق",
        "threeds_fail": "إفشال التحقق",
        "threeds_cancel": "إلغاء الدفع",
        "returning_title": "العودة إلى التاجر",
        "returning_text": "جارٍ إرسال نتيجة الدفع إلى التاجر. إذا لم يحدث شيء، اضغط متابعة.",
        "continue": "متابعة",
        "error_title": "تم رفض طلب الدفع",
        "error_no_return_url": "لا يحتوي الطلب على رابط عودة صالح، لذلك تظهر النتيجة هنا بدلاً من إرسالها إلى التاجر.",
        "response_code": "رمز الاستجابة",
        "response_message": "الرسالة",
        "detail": "التفاصيل",
        "session_title": "صفحة الدفع لم تعد متاحة",
        "session_text": "انتهت صلاحية صفحة الدفع هذه أو سبق استخدامها. ابدأ الدفع من جديد من المتجر.",
        "index_title": "محاكي بيئة اختبار APS",
        "index_intro": "بديل محلي لخدمات الدفع من أمازون (APS). يتحدث بروتوكول APS نفسه، فيعمل المتجر المضبوط على المحاكي دون اتصال بالإنترنت ودون حساب لدى APS.",
        "endpoints": "نقاط الاتصال",
        "endpoint_page": "صفحة الدفع المستضافة (إرسال نموذج من المتصفح)",
        "endpoint_api": "واجهة الخادم إلى الخادم (JSON)",
        "merchant_settings": "إعدادات التاجر",
        "merchant_identifier": "معرّف التاجر",
        "access_code": "رمز الوصول",
        "sha_type": "نوع SHA",
        "feedback_url": "رابط الإشعار المباشر بالعملية",
        "notification_url": "رابط إشعارات تغيّر الحالة",
        "feedback_format": "صيغة الإشعارات",
        "not_set": "غير مضبوط",
        "test_cards": "بطاقات الاختبار",
        "test_cards_intro": "استخدم أي تاريخ انتهاء في المستقبل وأي اسم. أي رقم صالح آخر لفيزا أو ماستركارد أو أمريكان إكسبريس أو مدى تتم الموافقة عليه دون 3-D Secure.",
        "brand": "النوع",
        "number": "الرقم",
        "result": "النتيجة",
        "source": "المصدر",
        "source_aps": "بطاقة بيئة اختبار APS",
        "source_simulator": "للمحاكي فقط",
        "behaviour_success": "موافقة دون 3-D Secure (14000، أو 02000 مع AUTHORIZATION)",
        "behaviour_3ds_challenge": "صفحة تحقق 3-D Secure: إتمام التحقق، أو إفشاله (13030، أو 03030 مع AUTHORIZATION)، أو الإلغاء (00072)",
        "behaviour_decline": "مرفوضة (13666، أو 03666 مع AUTHORIZATION)",
        "behaviour_insufficient_funds": "رصيد غير كافٍ (13029، أو 03029 مع AUTHORIZATION)",
        "behaviour_pending": "نتيجة غير مؤكدة (15777) أولاً، وبعد {seconds} ثانية يصل إشعار بنجاح العملية",
        "purchase_only": "PURCHASE فقط، ويُرد على AUTHORIZATION بالرمز 00049",
    },
}

# Latin terms inside Arabic sentences are wrapped in Unicode isolates
# (LRI ... PDI) so the bidi algorithm keeps "3-D Secure" in one piece
# instead of showing "D Secure-3".
LEFT_TO_RIGHT_ISOLATE = "\u2066"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def isolate_ltr(value: str) -> str:
    """Wrap left-to-right text so it keeps its order inside a right-to-left sentence."""
    return LEFT_TO_RIGHT_ISOLATE + value + POP_DIRECTIONAL_ISOLATE


TEXTS["ar"] = {key: value.replace("3-D Secure", isolate_ltr("3-D Secure")) for key, value in TEXTS["ar"].items()}

BRAND_NAMES: dict[str, dict[str, str]] = {
    "en": {"VISA": "Visa", "MASTERCARD": "Mastercard", "AMEX": "American Express", "MADA": "mada"},
    "ar": {"VISA": "فيزا", "MASTERCARD": "ماستركارد", "AMEX": "أمريكان إكسبريس", "MADA": "مدى"},
}


def page_language(value: object) -> str:
    """Return ``value`` if it is a supported language code, else English."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def text(language: str, key: str, **values: object) -> str:
    """Return the page text ``key`` in ``language``, formatted with ``values``."""
    return TEXTS[page_language(language)][key].format(**values)


def direction(language: str) -> str:
    """Return the HTML ``dir`` of ``language``."""
    return "rtl" if language == "ar" else "ltr"


def render_page(template: str, language: str, **context: Any) -> str:
    """Render a simulator page in ``language`` with ``t(key)`` bound to it and ``<html lang dir>`` set."""
    language = page_language(language)
    return render_template(
        template,
        language=language,
        dir=direction(language),
        t=lambda key, **values: text(language, key, **values),
        **context,
    )
