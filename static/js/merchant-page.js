/*
 * Custom merchant page (APS Merchant Page 2.0): checks the card in the
 * browser, then posts it straight to APS's paymentPage.
 *
 * The visible card inputs have no name attribute. On submit this script
 * checks them, converts the expiry date from MM/YY to APS's YYMM, turns
 * Arabic-Indic digits into ASCII, copies the values into the form's named
 * hidden inputs and posts the form to APS. Before that it sends the shop
 * one JSON request ("prepare") with the installment plan, the "save this
 * card" choice and the device fingerprint: never a card field.
 *
 * Brand detection uses CardBrand.detect from card-brand.js with the mada
 * BINs the page passes in data-mada-bins. Without that script a minimal
 * detector below does the same checks.
 */
(function () {
  "use strict";

  var root = document.getElementById("merchant-page");
  if (!root) {
    return;
  }
  var messages = JSON.parse(root.getAttribute("data-messages") || "{}");
  var madaBins = (root.getAttribute("data-mada-bins") || "").split(" ").filter(Boolean);

  // Arabic-Indic (U+0660-0669) and Extended Arabic-Indic (U+06F0-06F9) digits to ASCII;
  // bidirectional marks dropped. The same rules as shop/i18n/normalize.py.
  function normalizeDigits(text) {
    return String(text || "")
      .replace(/[\u0660-\u0669]/g, function (c) { return String(c.charCodeAt(0) - 0x0660); })
      .replace(/[\u06F0-\u06F9]/g, function (c) { return String(c.charCodeAt(0) - 0x06F0); })
      .replace(/[\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/g, "");
  }

  function digitsOnly(text) {
    return normalizeDigits(text).replace(/[\s-]/g, "");
  }

  function luhnValid(number) {
    if (!/^[0-9]{12,19}$/.test(number)) {
      return false;
    }
    var sum = 0;
    for (var i = 0; i < number.length; i++) {
      var digit = Number(number.charAt(number.length - 1 - i));
      if (i % 2 === 1) {
        digit *= 2;
        if (digit > 9) {
          digit -= 9;
        }
      }
      sum += digit;
    }
    return sum % 10 === 0;
  }

  // Brand as APS's payment_option: MADA, VISA, MASTERCARD, AMEX, or "" when unknown.
  // mada numbers start like Visa or Mastercard numbers, so mada is checked first.
  function detectBrand(number) {
    if (window.CardBrand && typeof window.CardBrand.detect === "function") {
      return String(window.CardBrand.detect(number, madaBins) || "").toUpperCase();
    }
    for (var i = 0; i < madaBins.length; i++) {
      if (number.indexOf(madaBins[i]) === 0) {
        return "MADA";
      }
    }
    if (/^3[47]/.test(number)) {
      return "AMEX";
    }
    if (/^4/.test(number)) {
      return "VISA";
    }
    var four = Number(number.slice(0, 4));
    if (/^5[1-5]/.test(number) || (number.length >= 4 && four >= 2221 && four <= 2720)) {
      return "MASTERCARD";
    }
    return "";
  }

  var BRAND_LABELS = { MADA: "mada", VISA: "Visa", MASTERCARD: "Mastercard", AMEX: "American Express" };

  function groupNumber(number, brand) {
    var groups = brand === "AMEX" ? [4, 6, 5] : [4, 4, 4, 4, 3];
    var parts = [];
    var position = 0;
    for (var i = 0; i < groups.length && position < number.length; i++) {
      parts.push(number.slice(position, position + groups[i]));
      position += groups[i];
    }
    return parts.join(" ");
  }

  // "MM/YY", "MMYY", "MM / YY" or "MM/YYYY" -> {year, month}, or null.
  function parseExpiry(text) {
    var match = /^\s*([0-9]{1,2})\s*\/?\s*([0-9]{2}|[0-9]{4})\s*$/.exec(normalizeDigits(text));
    if (!match) {
      return null;
    }
    var month = Number(match[1]);
    var year = Number(match[2]);
    if (year < 100) {
      year += 2000;
    }
    if (month < 1 || month > 12) {
      return null;
    }
    return { year: year, month: month };
  }

  function expired(expiry) {
    var now = new Date();
    return expiry.year < now.getFullYear() || (expiry.year === now.getFullYear() && expiry.month < now.getMonth() + 1);
  }

  // APS's expiry_date: YYMM.
  function toYYMM(expiry) {
    return String(expiry.year % 100).padStart(2, "0") + String(expiry.month).padStart(2, "0");
  }

  function showError(form, name, text) {
    var element = form.querySelector('[data-error-for="' + name + '"]');
    if (!element) {
      return;
    }
    element.textContent = text || "";
    element.hidden = !text;
    var input = form.querySelector('[data-role="' + name + '"]');
    if (input) {
      if (text) {
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
    }
  }

  function setHidden(form, target, value) {
    var input = form.querySelector('input[type=hidden][data-target="' + target + '"]');
    if (input) {
      input.value = value;
    }
  }

  function visible(form, role) {
    return form.querySelector('[data-role="' + role + '"]');
  }

  // -- installment plans: show only the plans of the card's issuer --------------

  var plansBox = document.getElementById("mp-plans");

  function filterPlans(cardBin) {
    if (!plansBox) {
      return;
    }
    var labels = plansBox.querySelectorAll("label.mp-plan[data-bins]");
    for (var i = 0; i < labels.length; i++) {
      var bins = labels[i].getAttribute("data-bins").split(" ").filter(Boolean);
      var matches = !cardBin || bins.length === 0 || bins.some(function (prefix) { return cardBin.indexOf(prefix) === 0; });
      labels[i].hidden = !matches;
      var radio = labels[i].querySelector("input");
      if (!matches && radio.checked) {
        plansBox.querySelector('input[value=""]').checked = true;
      }
    }
  }

  function chosenPlan() {
    if (!plansBox) {
      return "";
    }
    var checked = plansBox.querySelector("input[name=mp-plan]:checked");
    return checked ? checked.value : "";
  }

  // -- choosing between saved cards and a new card ------------------------------

  var forms = root.querySelectorAll("form.mp-form");

  function showSource(source) {
    var cardBin = "";
    for (var i = 0; i < forms.length; i++) {
      var active = forms[i].getAttribute("data-source") === source;
      forms[i].hidden = !active;
      if (active && forms[i].getAttribute("data-bin")) {
        cardBin = forms[i].getAttribute("data-bin");
      }
    }
    if (source === "new") {
      var numberInput = document.getElementById("mp-number");
      cardBin = numberInput ? digitsOnly(numberInput.value).slice(0, 8) : "";
    }
    filterPlans(cardBin.length >= 6 ? cardBin : "");
  }

  var sources = root.querySelectorAll("input[name=mp-source]");
  for (var s = 0; s < sources.length; s++) {
    sources[s].addEventListener("change", function (event) { showSource(event.target.value); });
  }
  var initial = root.querySelector("input[name=mp-source]:checked");
  showSource(initial ? initial.value : "new");

  // -- the new-card form --------------------------------------------------------

  var numberInput = document.getElementById("mp-number");
  var brandBadge = root.querySelector('[data-role="brand"]');
  if (numberInput) {
    numberInput.addEventListener("input", function () {
      var number = digitsOnly(numberInput.value).slice(0, 19);
      var brand = detectBrand(number);
      numberInput.value = groupNumber(number, brand);
      brandBadge.textContent = BRAND_LABELS[brand] || "";
      brandBadge.setAttribute("data-brand", brand);
      if (window.CardBrand && typeof window.CardBrand.highlight === "function") {
        window.CardBrand.highlight(document.getElementById("mp-marks"), brand.toLowerCase());
      }
      filterPlans(number.length >= 6 ? number : "");
    });
  }
  var expiryInput = document.getElementById("mp-expiry");
  if (expiryInput) {
    expiryInput.addEventListener("input", function () {
      var digits = digitsOnly(expiryInput.value).replace(/\//g, "");
      if (/^[0-9]{3,4}$/.test(digits) && expiryInput.value.indexOf("/") < 0) {
        expiryInput.value = digits.slice(0, 2) + "/" + digits.slice(2);
      }
    });
  }

  // Check the visible inputs of ``form`` and return the values APS gets, or null.
  function collectNewCard(form) {
    var valid = true;
    var number = digitsOnly(visible(form, "number").value);
    var brand = detectBrand(number);
    if (!luhnValid(number)) {
      showError(form, "number", messages.card_number);
      valid = false;
    } else if (!brand) {
      showError(form, "number", messages.card_brand);
      valid = false;
    } else {
      showError(form, "number", "");
    }

    var expiry = parseExpiry(visible(form, "expiry").value);
    if (!expiry) {
      showError(form, "expiry", messages.expiry);
      valid = false;
    } else if (expired(expiry)) {
      showError(form, "expiry", messages.expired);
      valid = false;
    } else {
      showError(form, "expiry", "");
    }

    var cvv = digitsOnly(visible(form, "cvv").value);
    var cvvLength = brand === "AMEX" ? 4 : 3;
    if (!new RegExp("^[0-9]{" + cvvLength + "}$").test(cvv)) {
      showError(form, "cvv", cvvLength === 4 ? messages.cvv4 : messages.cvv3);
      valid = false;
    } else {
      showError(form, "cvv", "");
    }

    var holder = normalizeDigits(visible(form, "holder").value).replace(/\s+/g, " ").trim();
    if (!holder) {
      showError(form, "holder", messages.holder);
      valid = false;
    } else {
      showError(form, "holder", "");
    }
    if (!valid) {
      return null;
    }
    var remember = visible(form, "remember");
    return {
      number: number,
      expiry: toYYMM(expiry),
      cvv: cvv,
      holder: holder,
      remember: remember && remember.checked ? "YES" : "NO"
    };
  }

  function collectSavedCard(form) {
    var cvv = digitsOnly(visible(form, "cvv").value);
    var cvvLength = form.getAttribute("data-brand") === "AMEX" ? 4 : 3;
    if (!new RegExp("^[0-9]{" + cvvLength + "}$").test(cvv)) {
      showError(form, "cvv", cvvLength === 4 ? messages.cvv4 : messages.cvv3);
      return null;
    }
    showError(form, "cvv", "");
    return { cvv: cvv, remember: "NO" };
  }

  function deviceFingerprint() {
    if (root.getAttribute("data-fingerprint") !== "yes") {
      return "";
    }
    var input = document.getElementById("device_fingerprint");
    if (input && !input.value && root.getAttribute("data-simulator") === "yes") {
      // The simulator has no fraud service, so a random placeholder replaces the iovation blob.
      input.value = "SIM" + Math.random().toString(16).slice(2, 18);
    }
    return input ? input.value : "";
  }

  // Tell the shop the plan, the save choice and the fingerprint. No card data.
  function prepare(remember) {
    return fetch(root.getAttribute("data-prepare-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.getAttribute("data-csrf-token") },
      body: JSON.stringify({ plan: chosenPlan(), remember_me: remember, device_fingerprint: deviceFingerprint() })
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("prepare failed with HTTP " + response.status);
      }
    });
  }

  var submitting = false;

  function onSubmit(event) {
    event.preventDefault();
    var form = event.currentTarget;
    if (submitting) {
      return;
    }
    var values = form.classList.contains("mp-new") ? collectNewCard(form) : collectSavedCard(form);
    if (!values) {
      return;
    }
    submitting = true;
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    showError(form, "form", "");
    prepare(values.remember).then(function () {
      setHidden(form, "number", values.number || "");
      setHidden(form, "expiry", values.expiry || "");
      setHidden(form, "cvv", values.cvv);
      setHidden(form, "holder", values.holder || "");
      setHidden(form, "remember", values.remember);
      // form.submit() posts to the form's action (APS) without firing this handler again.
      form.submit();
    }).catch(function () {
      submitting = false;
      button.disabled = false;
      showError(form, "form", messages.prepare);
    });
  }

  // A field's error goes away as soon as the shopper changes the field.
  function clearOwnError(event) {
    var role = event.target.getAttribute("data-role");
    var form = event.target.form;
    if (role && form) {
      showError(form, role, "");
    }
  }

  for (var f = 0; f < forms.length; f++) {
    forms[f].addEventListener("submit", onSubmit);
    forms[f].addEventListener("input", clearOwnError);
  }
})();
