"""Cart pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import Product
from .forms import AddToCartForm, UpdateLineForm
from .service import CartError, add_product, load_cart, set_quantity

bp = Blueprint("cart", __name__, url_prefix="/cart")


@bp.get("/")
def show() -> str:
    """Show the cart with its lines and total."""
    return render_template("cart/show.html", cart=load_cart(), update_form=UpdateLineForm())


@bp.post("/add")
def add() -> Response:
    """Add a product to the cart."""
    form = AddToCartForm()
    if not form.validate_on_submit():
        flash(_("Choose a quantity from 1 to 99."), "error")
        return redirect(url_for("catalog.index"))
    product = db.session.scalar(select(Product).where(Product.sku == form.sku.data, Product.active.is_(True)))
    if product is None:
        flash(_("That product is no longer available."), "error")
        return redirect(url_for("catalog.index"))
    try:
        add_product(product, form.quantity.data)
    except CartError:
        cart = load_cart()
        flash(
            _("Your cart is in %(cart_currency)s. Pay for it or empty it before adding items priced in %(currency)s.",
              cart_currency=cart.currency, currency=product.currency),
            "error",
        )
        return redirect(url_for("catalog.product", sku=product.sku))
    flash(_("Added to your cart."), "success")
    return redirect(url_for("cart.show"))


@bp.post("/update")
def update() -> Response:
    """Change a line's quantity, or remove it with quantity 0."""
    form = UpdateLineForm()
    if form.validate_on_submit():
        set_quantity(form.sku.data, form.quantity.data)
    else:
        flash(_("Choose a quantity from 0 to 99."), "error")
    return redirect(url_for("cart.show"))
