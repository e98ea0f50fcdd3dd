// Saves text produced on the server (CSV exports) as a file, without a second request or a data: URL.
window.portalDownload = function (fileName, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type: type || "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
};
