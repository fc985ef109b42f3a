/*
 * Card brand from the digits typed so far: "mada", "visa", "mastercard",
 * "amex" or null. Plain JavaScript, no build step, no dependencies.
 *
 * mada cards carry Visa or Mastercard numbers, so the mada BIN prefixes are
 * checked first. A prefix counts only at the start of the number (6- or
 * 8-digit BINs), never in the middle. The prefixes come from the server's
 * list (shop.aps.mada), served as JSON by the shop at /payments/mada-bins.json
 * and by the APS simulator at /sim/mada-bins.json: {"bins": ["406996", ...]}.
 *
 *   CardBrand.detect("4417 0000 ...", prefixes)      -> "visa"
 *   CardBrand.attach(input, {
 *     madaBinsUrl: "/payments/mada-bins.json",       // or madaBins: [...]
 *     marks: listElement,   // children with data-brand-mark="mada|visa|..."
 *     onChange: function (brand) {}
 *   });
 *
 * attach() sets data-card-brand on the input, and on the marks element it
 * sets data-detected-brand and the classes is-detected (the typed brand)
 * and is-dimmed (the others). Arabic-Indic digits count as digits.
 */
(function (global) {
  "use strict";

  var ARABIC_INDIC = "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669";
  var EXTENDED_ARABIC_INDIC = "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9";

  /* Return the ASCII digits of typed text: Arabic-Indic digits converted, everything else dropped. */
  function digitsOf(text) {
    var digits = "";
    var value = String(text || "");
    for (var i = 0; i < value.length; i++) {
      var char = value.charAt(i);
      var index = ARABIC_INDIC.indexOf(char);
      if (index < 0) {
        index = EXTENDED_ARABIC_INDIC.indexOf(char);
      }
      if (index >= 0) {
        digits += String(index);
      } else if (char >= "0" && char <= "9") {
        digits += char;
      }
    }
    return digits;
  }

  /* Tell whether digits start with one of the mada prefixes. Empty prefixes
     are skipped: an empty alternative would match every number. */
  function isMada(digits, prefixes) {
    if (!prefixes) {
      return false;
    }
    for (var i = 0; i < prefixes.length; i++) {
      var prefix = String(prefixes[i] || "");
      if (prefix && /^[0-9]+$/.test(prefix) && digits.length >= prefix.length && digits.slice(0, prefix.length) === prefix) {
        return true;
      }
    }
    return false;
  }

  function detect(text, madaPrefixes) {
    var digits = digitsOf(text);
    if (!digits) {
      return null;
    }
    if (isMada(digits, madaPrefixes)) {
      return "mada";
    }
    if (/^3[47]/.test(digits)) {
      return "amex";
    }
    if (/^4/.test(digits)) {
      return "visa";
    }
    if (/^5[1-5]/.test(digits)) {
      return "mastercard";
    }
    if (digits.length >= 4) {
      var first4 = parseInt(digits.slice(0, 4), 10);
      if (first4 >= 2221 && first4 <= 2720) {
        return "mastercard";
      }
    }
    return null;
  }

  /* Mark the detected brand among the children of container that carry data-brand-mark. */
  function highlight(container, brand) {
    if (!container) {
      return;
    }
    container.setAttribute("data-detected-brand", brand || "");
    var marks = container.querySelectorAll("[data-brand-mark]");
    for (var i = 0; i < marks.length; i++) {
      var code = marks[i].getAttribute("data-brand-mark");
      marks[i].classList.toggle("is-detected", Boolean(brand) && code === brand);
      marks[i].classList.toggle("is-dimmed", Boolean(brand) && code !== brand);
    }
  }

  function parseList(text) {
    return text ? String(text).split(/[\s,|]+/).filter(Boolean) : null;
  }

  function attach(input, options) {
    options = options || {};
    var prefixes = options.madaBins || parseList(input.getAttribute("data-mada-bins"));

    function update() {
      var brand = detect(input.value, prefixes);
      input.setAttribute("data-card-brand", brand || "");
      highlight(options.marks, brand);
      if (options.onChange) {
        options.onChange(brand);
      }
      return brand;
    }

    input.addEventListener("input", update);
    var url = options.madaBinsUrl || input.getAttribute("data-mada-bins-url");
    if (!prefixes && url && global.fetch) {
      global.fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          prefixes = data.bins || [];
          update();
        })
        .catch(function () {
          // Without the list, mada cards show as Visa or Mastercard; the server still decides.
        });
    }
    update();
    return { update: update };
  }

  var CardBrand = { detect: detect, isMada: isMada, digitsOf: digitsOf, highlight: highlight, attach: attach };
  if (typeof module === "object" && module.exports) {
    module.exports = CardBrand;
  } else {
    global.CardBrand = CardBrand;
  }
})(typeof window !== "undefined" ? window : this);
