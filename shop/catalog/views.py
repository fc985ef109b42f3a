"""Catalogue pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from ..extensions import db
from ..models import Product

bp = Blueprint("catalog", __name__)


@bp.get("/")
def index() -> str:
    """List active products, grouped by currency."""
    products = db.session.scalars(
        select(Product).where(Product.active.is_(True)).order_by(Product.currency, Product.id)
    ).all()
    return render_template("catalog/index.html", products=products)


@bp.get("/products/<sku>")
def product(sku: str) -> str:
    """Show one product with its price and the add-to-cart form."""
    item = db.session.scalar(select(Product).where(Product.sku == sku, Product.active.is_(True)))
    if item is None:
        abort(404)
    return render_template("catalog/product.html", product=item)
