// Renders the authenticator QR code on "Configure authenticator app". The otpauth URI is posted (never put in
// a URL) to /account/authenticator-qr, which answers an SVG made on the server (no third-party script).
(function () {
  const data = document.getElementById("qrCodeData");
  const target = document.getElementById("qrCode");
  if (!data || !target) return;
  const uri = data.getAttribute("data-url");
  if (!uri) return;
  fetch("/account/authenticator-qr", { method: "POST", body: uri, credentials: "same-origin", headers: { "Content-Type": "text/plain" } })
    .then(r => r.ok ? r.text() : Promise.reject(r.status))
    .then(svg => {
      target.innerHTML = svg;
      const hint = document.querySelector("a[href*='aka.ms/aspaccountqrcode']");
      if (hint && hint.closest(".alert")) hint.closest(".alert").remove();
    })
    .catch(() => { target.textContent = "The QR code could not be drawn: enter the key shown above into your app instead."; });
})();
