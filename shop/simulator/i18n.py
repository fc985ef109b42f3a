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
    "034": "العملية غير مسموح بها",
    "037": "رابط العودة مفقود",
    "042": "مبلغ العملية يتجاوز المبلغ المُفوَّض",
    "044": "اسم الرمز المميز غير موجود",
    "048": "مبلغ العملية يتجاوز المبلغ المُحصَّل",
    "049": "العملية غير صالحة لخيار الدفع هذا",
    "063": "تم تحديث الرمز المميز",
    "064": "مطلوب التحقق الآمن ثلاثي الأبعاد (3-D Secure)",
    "066": "مرجع التاجر موجود مسبقاً",
    "072": "ألغى العميل العملية",
    "073": "صيغة الطلب غير صالحة",
    "080": "خيار دفع غير صالح",
    "084": "مبلغ العملية أكبر من الحد الأقصى أو أقل من الحد الأدنى لخطة التقسيط المختارة",
    "087": "رقم تعريف البطاقة (BIN) لا يطابق البنك المُصدر المقبول",
    "092": "رمز البنك المُصدر غير صالح",
    "094": "رمز خطة التقسيط غير صالح",
    "100": "تاريخ انتهاء غير صالح",
    "114": "الرمز المميز موجود مسبقاً",
    "662": "العملية غير مسموح بها، فالطلب لم يُؤكَّد بعد",
    "666": "تم رفض العملية",
    "746": "مبلغ الشراء يتجاوز الحد المسموح للعميل",
    "747": "رصيد المحفظة غير كافٍ",
    "748": "بيانات طلب رمز التحقق لا تطابق بيانات الشراء",
    "983": "يُرجى الانتظار 60 ثانية على الأقل بين طلبات رمز التحقق",
    "777": "تمت معالجة العملية لكن لم يصل تأكيدها",
}


# English messages of codes that shop.aps.codes does not list yet, from the
# APS transaction-code table.
EXTRA_ENGLISH_MESSAGES: dict[str, str] = {
    "114": "Token already exists.",
}


def response_message(response_code: str, language: str) -> str:
    """Return the ``response_message`` of a five-digit code in ``language`` (en or ar).

    English follows the APS transaction-code table without the final period,
    as APS sends it ("Signature mismatch", "Success").
    """
    message_code = response_code[2:]
    if language == "ar" and message_code in ARABIC_MESSAGES:
        return ARABIC_MESSAGES[message_code]
    english = MESSAGE_MEANINGS.get(message_code) or EXTRA_ENGLISH_MESSAGES.get(message_code)
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
        "save_card": "Continue",
        "installments_title": "Pay in installments",
        "pay_in_full": "Pay the full amount now",
        "plan_option": "{months} monthly payments of {per_month}, {issuer} ({fee})",
        "plan_interest": "interest {rate}",
        "plan_profit": "profit rate {rate}",
        "plan_fixed_fee": "fee {fee}",
        "error_plan_invalid": "Choose one of the plans shown.",
        "error_plan_bin": "This card is not issued by {issuer}. Choose another plan or pay the full amount.",
        "terms_title": "Installment terms: {issuer}",
        "plan_months": "{months} months",
        "dropped_title": "Result not sent back to the merchant",
        "dropped_text": "The simulator's drop-return switch is on, so your browser stays here. The merchant receives the result only through the server-to-server feedback.",
        "merchant_reference": "Merchant reference",
        "switches_title": "Test switches",
        "switches_intro": "Make the simulator misbehave the way a network or gateway can. Changes apply at once and last until the simulator restarts.",
        "switch_drop_return": "Drop the browser return (the shopper stays on a simulator page)",
        "switch_feedback_delay": "Delay every feedback and notification by (seconds)",
        "switch_feedback_failure": "Feedback failure",
        "failure_none": "none: send feedback normally",
        "failure_drop": "drop: never send feedback",
        "failure_error": "error: every attempt fails, retries run, then stop",
        "failure_bad_signature": "bad_signature: send feedback with a wrong signature",
        "switch_api_fault": "paymentApi fault",
        "fault_none": "none: respond normally",
        "fault_http_500": "http_500: respond HTTP 500 without running the command",
        "fault_timeout": "timeout: run the command, then respond too late",
        "switch_api_fault_commands": "Commands the fault applies to (comma-separated, empty for all)",
        "switch_api_timeout": "Wait before responding with the timeout fault (seconds)",
        "save_switches": "Save switches",
        "recent_deliveries": "Latest feedback deliveries",
        "delivery_kind": "Kind",
        "delivery_url": "URL",
        "delivery_attempts": "Attempts",
        "no_deliveries": "No feedback sent yet.",
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
        "save_card": "متابعة",
        "installments_title": "الدفع بالتقسيط",
        "pay_in_full": "ادفع المبلغ كاملاً الآن",
        "plan_option": "{months} دفعات شهرية قيمة كل منها {per_month}، {issuer} ({fee})",
        "plan_interest": "فائدة {rate}",
        "plan_profit": "نسبة ربح {rate}",
        "plan_fixed_fee": "رسوم {fee}",
        "error_plan_invalid": "اختر إحدى الخطط المعروضة.",
        "error_plan_bin": "هذه البطاقة ليست صادرة عن {issuer}. اختر خطة أخرى أو ادفع المبلغ كاملاً.",
        "terms_title": "شروط التقسيط: {issuer}",
        "plan_months": "{months} أشهر",
        "dropped_title": "لم تُرسَل النتيجة إلى التاجر",
        "dropped_text": "مفتاح إسقاط العودة في المحاكي مفعّل، لذلك يبقى متصفحك هنا. يتلقى التاجر النتيجة عبر الإشعار من الخادم إلى الخادم فقط.",
        "merchant_reference": "مرجع التاجر",
        "switches_title": "مفاتيح الاختبار",
        "switches_intro": "اجعل المحاكي يتصرف بشكل خاطئ كما قد تفعل الشبكة أو بوابة الدفع. تسري التغييرات فوراً وتبقى حتى إعادة تشغيل المحاكي.",
        "switch_drop_return": "إسقاط عودة المتصفح (يبقى المتسوق على صفحة المحاكي)",
        "switch_feedback_delay": "تأخير كل إشعار (بالثواني)",
        "switch_feedback_failure": "فشل الإشعارات",
        "failure_none": "none: إرسال الإشعارات بشكل طبيعي",
        "failure_drop": "drop: عدم إرسال الإشعارات أبداً",
        "failure_error": "error: تفشل كل محاولة وتُعاد ثم تتوقف",
        "failure_bad_signature": "bad_signature: إرسال الإشعارات بتوقيع خاطئ",
        "switch_api_fault": "خلل في paymentApi",
        "fault_none": "none: رد طبيعي",
        "fault_http_500": "http_500: الرد بالخطأ HTTP 500 دون تنفيذ الأمر",
        "fault_timeout": "timeout: تنفيذ الأمر ثم الرد بعد فوات المهلة",
        "switch_api_fault_commands": "الأوامر التي يسري عليها الخلل (مفصولة بفواصل، أو فارغة لجميع الأوامر)",
        "switch_api_timeout": "مدة الانتظار قبل الرد مع خلل timeout (بالثواني)",
        "save_switches": "حفظ المفاتيح",
        "recent_deliveries": "آخر الإشعارات المرسلة",
        "delivery_kind": "النوع",
        "delivery_url": "الرابط",
        "delivery_attempts": "المحاولات",
        "no_deliveries": "لم يُرسَل أي إشعار بعد.",
    },
}

# Pages of the local schemes (methods/local.py) and their rows on the test-cards page.
LOCAL_METHOD_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "method_knet": "KNET",
        "method_naps": "NAPS",
        "method_benefit": "BENEFIT",
        "method_omannet": "OmanNet",
        "method_stcpay": "STC Pay",
        "local_card_title": "Pay with {method}",
        "local_confirm_title": "Confirm your {method} payment",
        "knet_card_intro": "Enter your KNET card number, its expiry date and your PIN.",
        "knet_confirm_intro": "KNET asks you to confirm this payment.",
        "local_card_intro": "Enter the details of your {method} card.",
        "confirm_intro": "Check the payment details, then confirm.",
        "otp_title": "One-time password",
        "otp_intro": "Enter the one-time password (OTP) sent to your mobile phone.",
        "pin_title": "Card PIN",
        "pin_intro": "Enter your card's PIN to authorise the payment.",
        "stcpay_phone_intro": "Enter the mobile number of your STC Pay wallet. STC Pay sends a one-time password to it.",
        "stcpay_otp_intro": "Enter the one-time password that STC Pay sent to {phone}.",
        "confirm_pay": "Confirm and pay {amount}",
        "send_code": "Send code",
        "pin": "PIN",
        "otp": "One-time password (OTP)",
        "mobile_number": "Mobile number",
        "error_local_card": "Use a {method} test card from the simulator's home page.",
        "error_pin_format": "Enter the 4-digit PIN.",
        "error_pin": "Wrong PIN. Try again.",
        "error_otp": "Wrong code. Try again.",
        "error_mobile": "Enter a Saudi mobile number, such as 05XXXXXXXX.",
        "local_methods": "Local payment methods",
        "local_methods_intro": "These pages stand in for the schemes' own pages. Each method accepts only its own currency (another currency is answered with 00013) and only PURCHASE (AUTHORIZATION is answered with 00049). Every page has a Cancel button (00072).",
        "method": "Method",
        "currency": "Currency",
        "test_data": "Test data",
        "outcome_approve": "Approved (14000)",
        "outcome_decline": "Declined (13666)",
        "outcome_746": "Amount over the customer's limit (13746)",
        "outcome_747": "Insufficient wallet balance (13747)",
        "stcpay_any_number": "Any other Saudi mobile number is approved too.",
        "stcpay_api_note": "The STC Pay numbers also work with GENERATE_OTP and PURCHASE on paymentApi. There a wrong OTP ends the payment with 13030, and a second OTP request for the same merchant_reference within {seconds} s is answered with 89983.",
    },
    "ar": {
        "method_knet": "كي نت",
        "method_naps": "نابس",
        "method_benefit": "بنفت",
        "method_omannet": "عمان نت",
        "method_stcpay": "STC Pay",
        "local_card_title": "الدفع عبر {method}",
        "local_confirm_title": "تأكيد الدفع عبر {method}",
        "knet_card_intro": "أدخل رقم بطاقة كي نت وتاريخ انتهائها ورقمك السري.",
        "knet_confirm_intro": "يطلب منك كي نت تأكيد عملية الدفع هذه.",
        "local_card_intro": "أدخل بيانات بطاقة {method}.",
        "confirm_intro": "راجع تفاصيل الدفع ثم أكّد العملية.",
        "otp_title": "رمز التحقق لمرة واحدة",
        "otp_intro": "أدخل رمز التحقق لمرة واحدة (OTP) المرسل إلى هاتفك الجوال.",
        "pin_title": "الرقم السري للبطاقة",
        "pin_intro": "أدخل الرقم السري لبطاقتك لاعتماد عملية الدفع.",
        "stcpay_phone_intro": "أدخل رقم الجوال المرتبط بمحفظة STC Pay، وسترسل STC Pay إليه رمز تحقق لمرة واحدة.",
        "stcpay_otp_intro": "أدخل رمز التحقق الذي أرسلته STC Pay إلى الرقم {phone}.",
        "confirm_pay": "تأكيد ودفع {amount}",
        "send_code": "إرسال الرمز",
        "pin": "الرقم السري (PIN)",
        "otp": "رمز التحقق (OTP)",
        "mobile_number": "رقم الجوال",
        "error_local_card": "استخدم بطاقة اختبار {method} من الصفحة الرئيسية للمحاكي.",
        "error_pin_format": "أدخل الرقم السري المكوّن من 4 أرقام.",
        "error_pin": "الرقم السري غير صحيح. حاول مرة أخرى.",
        "error_otp": "الرمز غير صحيح. حاول مرة أخرى.",
        "error_mobile": "أدخل رقم جوال سعودياً، مثل 05XXXXXXXX.",
        "local_methods": "وسائل الدفع المحلية",
        "local_methods_intro": "تحل هذه الصفحات محل صفحات الشبكات نفسها. تقبل كل وسيلة عملتها فقط (ويُرد على أي عملة أخرى بالرمز 00013) وتقبل PURCHASE فقط (ويُرد على AUTHORIZATION بالرمز 00049). وفي كل صفحة زر إلغاء (00072).",
        "method": "وسيلة الدفع",
        "currency": "العملة",
        "test_data": "بيانات الاختبار",
        "outcome_approve": "موافقة (14000)",
        "outcome_decline": "مرفوضة (13666)",
        "outcome_746": "المبلغ يتجاوز الحد المسموح للعميل (13746)",
        "outcome_747": "رصيد المحفظة غير كافٍ (13747)",
        "stcpay_any_number": "وتتم الموافقة أيضاً على أي رقم جوال سعودي آخر.",
        "stcpay_api_note": "تعمل أرقام STC Pay هذه أيضاً مع GENERATE_OTP وPURCHASE عبر paymentApi، وهناك ينهي رمز التحقق الخاطئ العملية بالرمز 13030، ويُرد على طلب رمز تحقق ثانٍ لمرجع التاجر نفسه خلال {seconds} ثانية بالرمز 89983.",
    },
}
for _language, _texts in LOCAL_METHOD_TEXTS.items():
    TEXTS[_language].update(_texts)

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
