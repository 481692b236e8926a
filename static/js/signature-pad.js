/*
 * An optional drawn signature on the signing page. No library.
 *
 * The page works without this script: the pad is `hidden` until the script shows it, and
 * the typed name is the signature. Drawing uses Pointer Events, so a mouse, a finger and a
 * pen all work. The canvas is not focusable, so keyboard users pass it by; the "clear"
 * button is an ordinary button. The drawing is written into the hidden `signature_image`
 * field as a PNG data: URL after every stroke, so a form sent by htmx carries it too. The
 * steps of the page are swapped in by htmx: a pad that arrives that way is set up then.
 */
(function () {
  "use strict";

  var PNG_PREFIX = "data:image/png;base64,";

  function setup(pad) {
    if (pad.getAttribute("data-ready")) {
      return;
    }
    pad.setAttribute("data-ready", "1");
    var form = pad.closest("form");
    var canvas = pad.querySelector("canvas");
    var clear = pad.querySelector("[data-signature-clear]");
    var status = pad.querySelector("[data-signature-status]");
    var input = form && form.querySelector('input[name="signature_image"]');
    if (!form || !canvas || !input || !canvas.getContext) {
      return;
    }
    var context = canvas.getContext("2d");
    var drawn = false;
    var last = null;
    var pointer = null;

    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111";
    context.fillStyle = "#111";
    canvas.style.touchAction = "none";
    pad.hidden = false;

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: ((event.clientX - box.left) * canvas.width) / box.width,
        y: ((event.clientY - box.top) * canvas.height) / box.height,
      };
    }

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "mouse" && event.button !== 0) {
        return;
      }
      event.preventDefault();
      pointer = event.pointerId;
      if (canvas.setPointerCapture) {
        canvas.setPointerCapture(pointer);
      }
      last = point(event);
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, 2 * Math.PI);
      context.fill();
      drawn = true;
    });

    canvas.addEventListener("pointermove", function (event) {
      if (pointer !== event.pointerId || last === null) {
        return;
      }
      event.preventDefault();
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    });

    function stop(event) {
      if (pointer === event.pointerId) {
        pointer = null;
        last = null;
        if (drawn) {
          input.value = canvas.toDataURL("image/png");
        }
      }
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("lostpointercapture", stop);

    if (clear) {
      clear.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
        input.value = "";
        say(clear.getAttribute("data-cleared") || "");
      });
    }

    form.addEventListener("submit", function () {
      if (drawn) {
        input.value = canvas.toDataURL("image/png");
      }
    });

    // A drawing that came back with the page (another field needed fixing) is shown again,
    // so nothing the signatory did is lost.
    if (input.value.indexOf(PNG_PREFIX) === 0) {
      var image = new Image();
      image.onload = function () {
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        drawn = true;
      };
      image.src = input.value;
    }
  }

  function start(root) {
    var pads = (root || document).querySelectorAll("[data-signature-pad]");
    for (var i = 0; i < pads.length; i += 1) {
      setup(pads[i]);
    }
  }

  document.addEventListener("htmx:load", function (event) {
    start(event.target);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      start(document);
    });
  } else {
    start(document);
  }
})();
