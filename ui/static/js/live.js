// Live updates for signed-in pages. One EventSource on /live (server-sent
// events) carries two kinds of event:
//   "message"      data = a conversation id: a new message in it. The open
//                  conversation page fetches just the new messages and
//                  appends them (announced politely to screen readers); the
//                  conversations list reloads its rows.
//   "notification" data = the unread notification count: the bell shows it.
// When the stream drops, or the browser has no EventSource, the page polls
// the same fragments every POLL_MS until the stream is back, then catches up
// once. No eval, no inline code: the CSP allows this file only.
(function () {
  "use strict";

  var POLL_MS = 17000;
  var LIST_DELAY_MS = 800;
  var source = null;
  var pollTimer = 0;
  var reconnectTimer = 0;
  var listTimer = 0;
  var lost = false;
  var fetching = false;
  var fetchAgain = false;
  // /notifications/count is polled while the stream is down, until it
  // answers 404 (a portal without it).
  var countEndpoint = true;

  function setState(state) {
    document.documentElement.setAttribute("data-live", state);
  }

  function thread() {
    return document.querySelector("[data-conversation]");
  }

  function announce(box, text) {
    var region = box.querySelector("[data-live-announce]");
    if (!region) {
      return;
    }
    // Emptied first, so the same words twice are announced twice.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 60);
  }

  // fetchNew appends the messages after the last one shown.
  function fetchNew() {
    var box = thread();
    if (!box) {
      return;
    }
    if (fetching) {
      fetchAgain = true;
      return;
    }
    fetching = true;
    var id = box.getAttribute("data-conversation");
    var last = box.getAttribute("data-last") || "";
    var url = "/conversations/" + encodeURIComponent(id) + "/messages" +
      (last ? "?after=" + encodeURIComponent(last) : "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (!html || !box.isConnected) {
          return;
        }
        var tpl = document.createElement("template");
        tpl.innerHTML = html;
        var list = box.querySelector("[data-messages]");
        var added = [];
        Array.prototype.forEach.call(tpl.content.querySelectorAll("li.message"), function (li) {
          if (list && li.id && !document.getElementById(li.id)) {
            list.appendChild(document.adoptNode(li));
            added.push(li);
          }
        });
        if (!added.length) {
          return;
        }
        box.setAttribute("data-last", added[added.length - 1].getAttribute("data-id"));
        var empty = box.querySelector("[data-empty]");
        if (empty) {
          empty.remove();
        }
        var theirs = added.filter(function (li) { return !li.classList.contains("mine"); });
        var phrase = box.getAttribute("data-announce");
        if (theirs.length && phrase) {
          announce(box, phrase.replace("%s", theirs[theirs.length - 1].getAttribute("data-author") || ""));
        }
      })
      .catch(function () { /* the next event or poll tries again */ })
      .then(function () {
        fetching = false;
        if (fetchAgain) {
          fetchAgain = false;
          fetchNew();
        }
      });
  }

  // refreshList reloads the conversations list's rows (order, unread
  // counts), at most once per LIST_DELAY_MS.
  function refreshList() {
    if (listTimer || !document.querySelector("[data-live-conversations]")) {
      return;
    }
    listTimer = window.setTimeout(function () {
      listTimer = 0;
      fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          var box = document.querySelector("[data-live-conversations]");
          if (!html || !box) {
            return;
          }
          var next = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live-conversations]");
          if (next) {
            box.replaceWith(document.adoptNode(next));
          }
        })
        .catch(function () {});
    }, LIST_DELAY_MS);
  }

  // setBell shows the unread notification count on every bell.
  function setBell(n) {
    if (!(n >= 0)) {
      return;
    }
    var lang = document.documentElement.lang || undefined;
    Array.prototype.forEach.call(document.querySelectorAll("[data-live-bell]"), function (bell) {
      var count = bell.querySelector(".bell-count");
      if (count) {
        count.textContent = n > 99 ? "99+" : String(n);
        count.hidden = n === 0;
        count.setAttribute("data-count", String(n));
      }
      var label = bell.getAttribute(n === 0 ? "data-label-zero" : n === 1 ? "data-label-one" : "data-label-other");
      if (label) {
        bell.setAttribute("aria-label", label.replace("%s", n.toLocaleString(lang)));
      }
    });
  }

  function pollCount() {
    if (!countEndpoint || !document.querySelector("[data-live-bell]")) {
      return;
    }
    fetch("/notifications/count", { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) {
        if (r.status === 404) {
          countEndpoint = false;
          return null;
        }
        return r.ok ? r.text() : null;
      })
      .then(function (text) {
        if (!text) {
          return;
        }
        // The portal answers with the bell itself; a plain number or
        // {"unread": n} would do as well.
        var n = NaN;
        if (text.indexOf("data-count") >= 0) {
          var tpl = document.createElement("template");
          tpl.innerHTML = text;
          var count = tpl.content.querySelector("[data-count]");
          n = count ? parseInt(count.getAttribute("data-count"), 10) : NaN;
        } else if (/^\s*\d+\s*$/.test(text)) {
          n = parseInt(text, 10);
        } else {
          try {
            n = parseInt(JSON.parse(text).unread, 10);
          } catch (e) {
            return;
          }
        }
        setBell(n);
      })
      .catch(function () {});
  }

  function catchUp() {
    fetchNew();
    refreshList();
    pollCount();
  }

  function startPolling() {
    if (!pollTimer) {
      pollTimer = window.setInterval(catchUp, POLL_MS);
    }
  }

  function stopPolling() {
    if (pollTimer) {
      window.clearInterval(pollTimer);
      pollTimer = 0;
    }
  }

  function connect() {
    reconnectTimer = 0;
    if (!window.EventSource) {
      setState("polling");
      startPolling();
      return;
    }
    var es = new EventSource("/live");
    source = es;
    es.addEventListener("open", function () {
      setState("open");
      stopPolling();
      if (lost) {
        lost = false;
        catchUp();
      }
    });
    es.addEventListener("error", function () {
      lost = true;
      setState("polling");
      startPolling();
      if (es.readyState === 2 && !reconnectTimer) {
        // CLOSED: the browser will not retry by itself (an error status,
        // a signed-out session). Try again later; poll meanwhile.
        es.close();
        if (source === es) {
          source = null;
        }
        reconnectTimer = window.setTimeout(connect, POLL_MS);
      }
    });
    es.addEventListener("message", function (ev) {
      var box = thread();
      if (box && ev.data === box.getAttribute("data-conversation")) {
        fetchNew();
      } else {
        refreshList();
      }
    });
    es.addEventListener("notification", function (ev) {
      setBell(parseInt(ev.data, 10));
    });
  }

  window.addEventListener("pagehide", function () {
    if (source) {
      source.close();
      source = null;
    }
  });
  window.addEventListener("pageshow", function (ev) {
    // Back from the page cache: the stream was closed on pagehide.
    if (ev.persisted && !source && !reconnectTimer) {
      connect();
      catchUp();
    }
  });

  setState("connecting");
  connect();
})();
