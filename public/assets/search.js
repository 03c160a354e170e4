// The site's search: reads the index sitegen writes to search-index/ (head.js, t/KEY.js, d/N.js), loading
// with script tags only the files a query needs, so that it works from any folder and from file:// too.
// Folding, words, stop words and the stemmer are the twins of Sources/SiteGen/Search/SearchText.swift.
(function () {
  "use strict";

  var STOP = ("a an and are as at be but by for from had has have he her his in is it its of on or that the " +
    "their this to was were which with").split(" ");

  function fold(word) {
    return word.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "");
  }

  function words(text) {
    var found = text.match(/[\p{L}\p{N}\p{M}]+/gu) || [];
    return found.map(fold).filter(function (w) { return w.length > 0; });
  }

  function isConsonant(w, i) {
    var c = w[i];
    if (c === "a" || c === "e" || c === "i" || c === "o" || c === "u") return false;
    if (c === "y") return i === 0 ? true : !isConsonant(w, i - 1);
    return true;
  }
  function measure(w, count) {
    var m = 0, i = 0;
    while (i < count && isConsonant(w, i)) i++;
    while (i < count) {
      while (i < count && !isConsonant(w, i)) i++;
      if (i >= count) break;
      while (i < count && isConsonant(w, i)) i++;
      m++;
    }
    return m;
  }
  function hasVowel(w, count) {
    for (var i = 0; i < count; i++) if (!isConsonant(w, i)) return true;
    return false;
  }
  function endsCVC(w) {
    var n = w.length;
    if (n < 3 || !isConsonant(w, n - 1) || isConsonant(w, n - 2) || !isConsonant(w, n - 3)) return false;
    return "wxy".indexOf(w[n - 1]) < 0;
  }

  // Steps 1a, 1b and 1c of Porter's stemmer, for words of a-z longer than three letters.
  function stem(word) {
    if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
    var w = word;
    var ends = function (s) { return w.length >= s.length && w.slice(w.length - s.length) === s; };
    if (ends("sses") || ends("ies")) w = w.slice(0, -2);
    else if (ends("ss")) { /* kept */ }
    else if (ends("s")) w = w.slice(0, -1);
    var cleanUp = false;
    if (ends("eed")) {
      if (measure(w, w.length - 3) > 0) w = w.slice(0, -1);
    } else if (ends("ed") && hasVowel(w, w.length - 2)) {
      w = w.slice(0, -2); cleanUp = true;
    } else if (ends("ing") && hasVowel(w, w.length - 3)) {
      w = w.slice(0, -3); cleanUp = true;
    }
    if (cleanUp) {
      var last = w[w.length - 1];
      if (ends("at") || ends("bl") || ends("iz")) w += "e";
      else if (w.length >= 2 && last === w[w.length - 2] && isConsonant(w, w.length - 1) && "lsz".indexOf(last) < 0) w = w.slice(0, -1);
      else if (measure(w, w.length) === 1 && endsCVC(w)) w += "e";
    }
    if (ends("y") && hasVowel(w, w.length - 1)) w = w.slice(0, -1) + "i";
    return w;
  }

  function term(word) {
    if (STOP.indexOf(word) >= 0) return null;
    if (word.length === 1 && !/[0-9]/.test(word)) return null;
    return stem(word);
  }

  function keyOf(t, length) {
    return Array.from(t).slice(0, length).map(function (c) { return /[a-z0-9]/.test(c) ? c : "_"; }).join("");
  }

  var api = (typeof window !== "undefined" ? window : globalThis).sitegenSearch = { fold: fold, words: words, stem: stem, term: term };
  if (typeof document === "undefined") return;

  // Loading: each file calls back one of these; a promise per file.
  var waiting = {}, loaded = {};
  var head = null, shards = {}, groups = {};
  api.head = function (data) { head = data; };
  api.shard = function (key, data) { shards[key] = data; };
  api.documents = function (number, data) { groups[number] = data; };
  var base = "";
  function load(path) {
    if (loaded[path]) return loaded[path];
    loaded[path] = new Promise(function (resolve) {
      var script = document.createElement("script");
      script.src = base + path;
      script.onload = script.onerror = function () { script.remove(); resolve(); };
      document.head.appendChild(script);
    });
    return loaded[path];
  }

  // The shards that may hold a term: the one with the longest name that begins the term's; while the word is
  // being typed, also every shard whose name begins with the word's. SearchIndex.shardKeys does the same.
  function holder(key) {
    var best = null;
    head.shards.forEach(function (k) { if (key.slice(0, k.length) === k && (best === null || k.length > best.length)) best = k; });
    return best === null ? [] : [best];
  }
  function shardsFor(t, prefix) {
    var found = holder(keyOf(t, 3));
    if (prefix) {
      var key = keyOf(prefix, 3);
      found = found.concat(holder(key), head.shards.filter(function (k) { return k.slice(0, key.length) === key; }));
    }
    return found.filter(function (k, i) { return found.indexOf(k) === i; });
  }

  function decode(postings) {
    var list = [], doc = 0, i = 0;
    while (i < postings.length) {
      var c = postings.charCodeAt(i++);
      var weight = c >= 97 ? c - 97 + 27 : c - 65 + 1;
      var gap = 0;
      while (i < postings.length) {
        var d = postings.charCodeAt(i);
        if (d < 48 || d > 57) break;
        gap = gap * 10 + d - 48; i++;
      }
      doc += gap;
      list.push([doc, weight]);
    }
    return list;
  }

  // One query word's documents with their best weight: the term itself, and while it is being typed the
  // terms it begins, at a lower weight.
  function matches(word) {
    var found = {};
    function take(shardTerms, t, factor) {
      if (!Object.prototype.hasOwnProperty.call(shardTerms, t)) return;
      decode(shardTerms[t]).forEach(function (p) {
        var w = p[1] * factor;
        if (!(found[p[0]] >= w)) found[p[0]] = w;
      });
    }
    word.files.forEach(function (k) {
      var terms = shards[k] || {};
      take(terms, word.term, 1);
      if (word.prefix) {
        Object.keys(terms).forEach(function (t) {
          if (t !== word.term && t.slice(0, word.prefix.length) === word.prefix) take(terms, t, 0.05);
        });
      }
    });
    return found;
  }

  function parse(query) {
    var list = words(query), typing = !/[\s\p{P}]$/u.test(query);
    var result = [];
    list.forEach(function (w, i) {
      var t = term(w), last = typing && i === list.length - 1;
      if (t === null && !(last && w.length >= 2)) return;
      var item = { word: w, term: t === null ? w : t, prefix: last && w.length >= 2 ? w : null };
      item.files = shardsFor(item.term, item.prefix);
      result.push(item);
    });
    return result;
  }

  // Documents that have every word first, then those with some, each by the sum of their words' weights,
  // a rare word counting more than a common one; ties by the order of the index.
  function rank(items) {
    var scores = {}, counts = {};
    items.forEach(function (item) {
      var found = matches(item), ids = Object.keys(found);
      var rarity = Math.log(1 + head.documents / Math.max(1, ids.length));
      ids.forEach(function (id) {
        scores[id] = (scores[id] || 0) + found[id] * rarity;
        counts[id] = (counts[id] || 0) + 1;
      });
    });
    return Object.keys(scores).map(Number).sort(function (a, b) {
      var all = (counts[b] === items.length) - (counts[a] === items.length);
      return all || scores[b] - scores[a] || a - b;
    }).map(function (id) { return { id: id, all: counts[id] === items.length }; });
  }

  function highlight(element, text, items) {
    var parts = text.split(/([\p{L}\p{N}\p{M}]+)/u);
    parts.forEach(function (part, i) {
      var folded = i % 2 ? fold(part) : "";
      var hit = i % 2 && items.some(function (item) {
        var t = term(folded) || folded;
        return t === item.term || (item.prefix && folded.slice(0, item.prefix.length) === item.prefix) ||
          folded.slice(0, item.term.length) === item.term;
      });
      if (hit) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        element.appendChild(mark);
      } else if (part) {
        element.appendChild(document.createTextNode(part));
      }
    });
  }

  // Results shown at first and per "More results": each may need a group of the table of documents.
  var PAGE = 5;

  function start(root) {
    var form = root.querySelector("form"), input = root.querySelector("input[type=search]");
    var status = root.querySelector("[role=status]"), list = root.querySelector("ol");
    var more = root.querySelector("button.search-more"), labels = root.dataset;
    base = root.dataset.index;
    root.querySelectorAll(".search-nojs").forEach(function (e) { e.hidden = true; });
    root.querySelectorAll(".search-js").forEach(function (e) { e.hidden = false; });
    var generation = 0, ranked = [], items = [], shown = 0;

    function show(count) {
      var ids = ranked.slice(shown, shown + count), mine = generation;
      var needed = {};
      ids.forEach(function (r) { needed[Math.floor(r.id / head.group)] = true; });
      return Promise.all(Object.keys(needed).map(function (g) { return load("d/" + g + ".js"); })).then(function () {
        if (mine !== generation) return;
        ids.forEach(function (r) {
          var row = (groups[Math.floor(r.id / head.group)] || [])[r.id % head.group];
          if (!row) return;
          var li = document.createElement("li"), a = document.createElement("a");
          a.href = labels.root + row[0];
          highlight(a, row[1], items);
          var title = document.createElement("p");
          title.className = "search-title";
          title.appendChild(a);
          li.appendChild(title);
          var meta = document.createElement("p");
          meta.className = "search-meta";
          highlight(meta, (labels["kind" + row[2].charAt(0).toUpperCase() + row[2].slice(1)] || "") + (row[3] ? " · " + row[3] : "") +
            (r.all ? "" : " · " + labels.partial), items);
          li.appendChild(meta);
          var snippet = document.createElement("p");
          highlight(snippet, row[4], items);
          li.appendChild(snippet);
          list.appendChild(li);
        });
        shown += ids.length;
        more.hidden = shown >= ranked.length;
      });
    }

    function run() {
      var query = input.value, mine = ++generation;
      var url = new URL(window.location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      try { history.replaceState(null, "", url.href); } catch (e) { /* file:// may refuse */ }
      load("head.js").then(function () {
        if (mine !== generation || !head) return;
        var parsed = parse(query);
        var files = {};
        parsed.forEach(function (item) { item.files.forEach(function (f) { files[f] = true; }); });
        return Promise.all(Object.keys(files).map(function (k) { return load("t/" + k + ".js"); })).then(function () {
          if (mine !== generation) return;
          items = parsed;
          ranked = parsed.length ? rank(parsed) : [];
          shown = 0;
          list.textContent = "";
          var all = ranked.filter(function (r) { return r.all; }).length;
          status.textContent = !query.trim() ? "" : ranked.length === 0 ? labels.none :
            (all === 1 ? labels.one : labels.many.replace("{n}", all)) +
            (ranked.length > all ? " " + labels.some.replace("{n}", ranked.length - all) : "");
          return show(PAGE);
        });
      });
    }

    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
    form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); run(); });
    more.addEventListener("click", function () {
      var first = shown;
      show(PAGE).then(function () {
        var link = list.children[first] && list.children[first].querySelector("a");
        if (link) link.focus();
      });
    });
    var initial = new URL(window.location.href).searchParams.get("q");
    if (initial) { input.value = initial; run(); }
  }

  var root = document.querySelector("[data-search]");
  if (root) start(root);
})();
