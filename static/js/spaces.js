// Group spaces, progressive enhancement: a reply is added to the page without a reload, and the header's
// unread count is filled in. Without JavaScript the same forms post and the page reloads.
(function () {
  "use strict";

  var badge = document.querySelector("[data-spaces-unread]");
  if (badge && badge.textContent.trim() === "") {
    fetch(badge.getAttribute("data-spaces-unread"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && data.unread) { badge.textContent = String(data.unread); } })
      .catch(function () {});
  }

  var form = document.querySelector("form[data-space-reply]");
  var posts = document.getElementById("posts");
  if (!form || !posts || !window.fetch) { return; }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                         headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (response.ok && response.headers.get("Content-Type").indexOf("text/html") === 0) {
          return response.text().then(function (html) {
            var holder = document.createElement("div");
            holder.innerHTML = html;
            while (holder.firstElementChild) { posts.appendChild(holder.firstElementChild); }
            form.reset();
          });
        }
        form.submit(); // let the server's page show what went wrong
      })
      .catch(function () { form.submit(); })
      .finally(function () { button.disabled = false; });
  });
})();
