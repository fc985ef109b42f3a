"""Demo catalogue: a few products priced in each Gulf currency."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from ..extensions import db
from ..models import Product

# sku, English name, Arabic name, English description, Arabic description, price, currency
DEMO_PRODUCTS: list[tuple[str, str, str, str, str, str, str]] = [
    ("DATES-SA", "Sukkari dates, 1 kg", "تمر سكري، 1 كغ", "Soft Sukkari dates from Al-Qassim.", "تمر سكري طري من القصيم.", "45.00", "SAR"),
    ("COFFEE-SA", "Saudi coffee with cardamom", "قهوة سعودية بالهيل", "Light roast, 500 g.", "تحميص فاتح، 500 غ.", "2.675", "SAR"),
    ("OUD-AE", "Oud perfume oil, 12 ml", "دهن عود، 12 مل", "Cambodian oud in a glass bottle.", "عود كمبودي في قارورة زجاجية.", "350.00", "AED"),
    ("BUKHOOR-KW", "Bukhoor gift box", "علبة بخور هدية", "Six blends of incense.", "ست خلطات من البخور.", "12.345", "KWD"),
    ("TEA-KW", "Karak tea tin", "علبة شاي كرك", "Spiced black tea, 250 g.", "شاي أسود بالبهارات، 250 غ.", "1.500", "KWD"),
    ("PEARL-QA", "Pearl bookmark", "فاصل كتاب باللؤلؤ", "Handmade in Doha.", "صنع يدوياً في الدوحة.", "85.00", "QAR"),
    ("HALWA-BH", "Bahraini halwa", "حلوى بحرينية", "Saffron and rose water, 1 kg.", "بالزعفران وماء الورد، 1 كغ.", "4.750", "BHD"),
    ("FRANK-OM", "Frankincense, 100 g", "لبان، 100 غ", "Hojari frankincense from Dhofar.", "لبان حوجري من ظفار.", "1.005", "OMR"),
]


def ensure_demo_catalogue() -> int:
    """Insert the demo products that are missing; return how many were added."""
    existing = set(db.session.scalars(select(Product.sku)))
    added = 0
    for sku, name_en, name_ar, description_en, description_ar, price, currency in DEMO_PRODUCTS:
        if sku in existing:
            continue
        db.session.add(
            Product(
                sku=sku,
                name_en=name_en,
                name_ar=name_ar,
                description_en=description_en,
                description_ar=description_ar,
                price=Decimal(price),
                currency=currency,
            )
        )
        added += 1
    db.session.commit()
    return added
