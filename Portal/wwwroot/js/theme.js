// The admin UI's theme on the account pages too: the choice MainLayout keeps in localStorage, else the system's.
// Loaded in <head>, before the page is drawn, so a dark page does not flash light first.
(function () {
  let theme = null;
  try { theme = localStorage.getItem("portal-theme"); } catch (e) { /* storage blocked: follow the system */ }
  if (theme !== "dark" && theme !== "light") theme = matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  document.documentElement.setAttribute("data-bs-theme", theme);
})();
