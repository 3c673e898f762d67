// Lot intake by barcode on the stock page. A hardware scanner types the code into the
// scan field and ends with Enter, which submits the form: no script is needed for it.
// Where the browser has BarcodeDetector, a camera button reads a DataMatrix the same way.
(function () {
  "use strict";
  var button = document.getElementById("scan-camera");
  var input = document.getElementById("scan-code");
  var video = document.getElementById("scan-video");
  if (!button || !input || !video || !("BarcodeDetector" in window)) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({
      formats: ["data_matrix", "qr_code", "code_128", "ean_13"],
    });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        return video.play().then(function () {
          return stream;
        });
      })
      .then(function (stream) {
        var look = function () {
          detector
            .detect(video)
            .then(function (codes) {
              if (codes.length) {
                stream.getTracks().forEach(function (track) {
                  track.stop();
                });
                video.hidden = true;
                input.value = codes[0].rawValue;
                input.form.requestSubmit();
              } else {
                window.requestAnimationFrame(look);
              }
            })
            .catch(function () {
              window.requestAnimationFrame(look);
            });
        };
        look();
      })
      .catch(function (err) {
        button.textContent = "Camera not available: " + err.name;
        button.disabled = true;
      });
  });
})();
