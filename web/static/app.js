// Fundus: small enhancements for pages that work without JavaScript.
// Suggestions while typing, filters that apply in place when ticked, a
// search field in long facets, "/" for the search box, copy buttons.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  // Only ever navigate to paths on this site.
  function localURL(u) {
    return typeof u === 'string' && u.charAt(0) === '/' && u.charAt(1) !== '/' && u.charAt(1) !== '\\';
  }

  // Suggestions: a combobox with a listbox, following the ARIA pattern.
  function setupSuggest(input) {
    var listId = input.id + '-list';
    var list = document.createElement('ul');
    list.id = listId;
    list.className = 'suggestions';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', input.dataset.labelList || '');
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listId);

    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var lastQuery = '';
    var picked = false;

    // A picked suggestion navigates; the Enter that picked it must not
    // also submit the form (some synthetic key events still would).
    if (input.form) {
      input.form.addEventListener('submit', function (e) {
        if (picked) e.preventDefault();
      });
    }

    function close() {
      list.hidden = true;
      list.textContent = '';
      items = [];
      active = -1;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }

    function setActive(i) {
      if (active >= 0 && items[active]) {
        items[active].classList.remove('active');
        items[active].setAttribute('aria-selected', 'false');
      }
      active = i;
      if (active >= 0 && items[active]) {
        items[active].classList.add('active');
        items[active].setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', items[active].id);
        items[active].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function pick(i) {
      var it = items[i];
      if (!it) return;
      var url = it.dataset.url;
      if (!localURL(url)) url = '/search?q=' + encodeURIComponent(it.dataset.text);
      picked = true;
      close();
      window.location.assign(url);
    }

    function render(suggestions) {
      list.textContent = '';
      items = [];
      active = -1;
      suggestions.forEach(function (s, i) {
        var li = document.createElement('li');
        li.id = listId + '-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.className = 'suggestion suggestion-' + s.kind;
        li.dataset.url = s.url || '';
        li.dataset.text = s.text;
        var text = document.createElement('span');
        text.className = 'suggestion-text';
        text.textContent = s.text;
        var kind = document.createElement('span');
        kind.className = 'suggestion-kind';
        var label = input.dataset['label' + s.kind.charAt(0).toUpperCase() + s.kind.slice(1)] || s.kind;
        kind.textContent = s.count ? label + ' · ' + s.count : label;
        li.appendChild(text);
        li.appendChild(kind);
        li.addEventListener('mousedown', function (e) { e.preventDefault(); });
        li.addEventListener('click', function () { pick(i); });
        list.appendChild(li);
        items.push(li);
      });
      var open = items.length > 0;
      list.hidden = !open;
      input.setAttribute('aria-expanded', open ? 'true' : 'false');
      input.removeAttribute('aria-activedescendant');
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      if (q === lastQuery && !list.hidden) return;
      lastQuery = q;
      if (pending) pending.abort();
      pending = new AbortController();
      fetch('/api/suggest?size=8&q=' + encodeURIComponent(q), { signal: pending.signal, headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) {
          if (input.value.trim() !== q || document.activeElement !== input) return;
          render(data.suggestions || []);
        })
        .catch(function () { /* aborted or offline: no suggestions */ });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      lastQuery = '';
      timer = setTimeout(fetchSuggestions, 120);
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') {
        if (list.hidden) { fetchSuggestions(); return; }
        e.preventDefault();
        setActive(active + 1 < items.length ? active + 1 : 0);
      } else if (e.key === 'ArrowUp') {
        if (list.hidden) return;
        e.preventDefault();
        setActive(active > 0 ? active - 1 : items.length - 1);
      } else if (e.key === 'Enter') {
        if (!list.hidden && active >= 0) { e.preventDefault(); pick(active); }
      } else if (e.key === 'Escape') {
        if (!list.hidden) { e.preventDefault(); close(); }
      } else if (e.key === 'Tab') {
        close();
      }
    });
    input.addEventListener('blur', function () { setTimeout(close, 150); });
  }

  // Filter forms: apply a ticked facet or a new sort order at once, and
  // leave empty fields out of the URL. With fetch and the History API the
  // list is replaced in place: the results and filters are fetched as the
  // page the URL names, swapped in, the URL updated (back and forward
  // work, the address stays a permalink), focus kept on the control that
  // changed and the filter panel left as it was.
  var inPlace = !!(window.fetch && window.history && history.pushState && window.DOMParser && window.URLSearchParams);

  function formURL(form) {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.value === '') return;
      if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) return;
      if (el.tagName === 'BUTTON') return;
      params.append(el.name, el.value);
    });
    var action = new URL(form.action, location.href);
    var qs = params.toString();
    return action.pathname + (qs ? '?' + qs : '');
  }

  // The regions of a list page that a new search replaces.
  var swapped = ['.results-layout', '.charts'];

  // A key that finds the same control in the new page: facet checkboxes
  // by name and value (their ids count positions), others by id.
  function controlKey(el) {
    if (!el || !el.matches) return null;
    if (el.matches('input[type=checkbox]')) return 'input[type=checkbox][name="' + CSS.escape(el.name) + '"][value="' + CSS.escape(el.value) + '"]';
    if (el.id) return '#' + CSS.escape(el.id);
    return null;
  }

  var loading = null;
  function showList(form, url, push, focusKey) {
    if (loading) loading.abort();
    loading = new AbortController();
    var busy = document.querySelector('.results');
    if (busy) busy.setAttribute('aria-busy', 'true');
    return fetch(url, { signal: loading.signal, headers: { Accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (r) {
        if (!r.ok || (r.headers.get('Content-Type') || '').indexOf('text/html') !== 0) throw new Error('status ' + r.status);
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var open = {};
        document.querySelectorAll('.results-layout details').forEach(function (d, i) { open[d.className + i] = d.open; });
        swapped.forEach(function (sel) {
          var old = document.querySelector(sel), neu = doc.querySelector(sel);
          if (old && neu) old.replaceWith(document.adoptNode(neu));
          else if (old && !neu) old.remove();
        });
        document.querySelectorAll('.results-layout details').forEach(function (d, i) {
          if ((d.className + i) in open) d.open = open[d.className + i];
        });
        document.title = doc.title;
        if (push) history.pushState({ fundus: 'list' }, '', url);
        enhance(document.querySelector('.results-layout'));
        var live = document.getElementById('list-status');
        var summary = document.querySelector('.results-summary');
        if (live && summary) live.textContent = summary.textContent;
        var target = focusKey && document.querySelector(focusKey);
        if (target) target.focus({ preventScroll: true });
        else if (focusKey !== false) {
          var h = document.getElementById('results-heading');
          if (h) { h.setAttribute('tabindex', '-1'); h.focus(); }
        }
      })
      .catch(function (err) {
        if (err && err.name === 'AbortError') return;
        location.assign(url); // the plain page load, as without JavaScript
      });
  }

  function setupAutosubmit(form) {
    form.addEventListener('change', function (e) {
      var t = e.target;
      if (t.matches('input[type=checkbox], select')) {
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      }
    });
    form.addEventListener('submit', function (e) {
      if (e.defaultPrevented) return;
      if (inPlace && form.querySelector('.results-layout')) {
        e.preventDefault();
        var active = document.activeElement;
        var key = active && form.contains(active) && !active.closest('.results-layout .results') ? controlKey(active) : null;
        if (active && active.id === 'q') key = false; // typing on: leave focus in the box
        showList(form, formURL(form), true, key);
        return;
      }
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && !el.disabled && el.value === '' && (el.tagName === 'INPUT' || el.tagName === 'SELECT')) {
          el.disabled = true;
          el.dataset.cleared = '1';
        }
      });
    });
    if (!inPlace || !form.querySelector('.results-layout')) return;
    // Chips and pages of the same list load in place too.
    form.addEventListener('click', function (e) {
      var a = e.target.closest && e.target.closest('.chips a, .pager a');
      if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      var href = a.getAttribute('href');
      if (!localURL(href)) return;
      if (new URL(href, location.href).pathname !== new URL(form.action, location.href).pathname) return;
      e.preventDefault();
      var toTop = !!a.closest('.pager');
      showList(form, href, true, null).then(function () {
        if (toTop) {
          var r = document.querySelector('.results');
          if (r) r.scrollIntoView({ block: 'start' });
        }
      });
    });
    history.replaceState({ fundus: 'list' }, '', location.href);
    window.addEventListener('popstate', function (e) {
      if (!e.state || e.state.fundus !== 'list') return;
      showList(form, location.pathname + location.search, false, false).then(function () {
        var q = form.querySelector('#q');
        if (q) q.value = new URLSearchParams(location.search).get('q') || '';
      });
    });
  }

  // Long facets: a field that narrows the values as you type.
  function fold(s) {
    return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ß/g, 'ss');
  }
  function setupFacetFilter(input) {
    var fieldset = input.closest('fieldset');
    var status = fieldset && fieldset.querySelector('.facet-filter-status');
    if (!fieldset) return;
    input.hidden = false;
    var label = fieldset.querySelector('label.facet-filter-label');
    if (label) label.hidden = false;
    input.addEventListener('input', function () {
      var q = fold(input.value.trim());
      var n = 0;
      fieldset.querySelectorAll('.facet-values > li').forEach(function (li) {
        var text = fold(li.querySelector('.facet-label').textContent);
        var show = q === '' || text.indexOf(q) >= 0;
        li.hidden = !show;
        if (show) n++;
      });
      var more = fieldset.querySelector('details.facet-more');
      if (more && q !== '') more.open = true;
      if (status) status.textContent = q === '' ? '' : (n === 0 ? input.dataset.none : input.dataset.some.replace('%d', n));
    });
    // Enter in the field must not submit the whole form.
    input.addEventListener('keydown', function (e) { if (e.key === 'Enter') e.preventDefault(); });
  }

  // "/" focuses the search box, as in many search tools.
  document.addEventListener('keydown', function (e) {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.getElementById('q') || document.querySelector('input[type=search][name=q]');
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });

  // enhance sets up what a swapped-in part of a page holds.
  function enhance(root) {
    if (!root) return;
    root.querySelectorAll('button[data-copy]').forEach(setupCopy);
    root.querySelectorAll('input[data-facet-filter]').forEach(setupFacetFilter);
  }

  // Coming back through the history: enable what submit disabled.
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('[data-cleared]').forEach(function (el) {
      el.disabled = false;
      delete el.dataset.cleared;
    });
  });

  // Copy buttons for the permalink and the citation.
  function setupCopy(button) {
    var target = document.getElementById(button.dataset.copy);
    if (!target) return;
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener('click', function () {
      function done() {
        button.textContent = button.dataset.copied || label;
        setTimeout(function () { button.textContent = label; }, 2000);
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(target.value).then(done, function () { target.select(); });
      } else {
        target.select();
        try { if (document.execCommand('copy')) done(); } catch (err) { /* selected for manual copy */ }
      }
    });
  }

  function init() {
    document.querySelectorAll('input[data-suggest]').forEach(setupSuggest);
    document.querySelectorAll('form[data-autosubmit]').forEach(setupAutosubmit);
    enhance(document);
    // On narrow screens the filters start folded, below the search box.
    if (window.matchMedia('(max-width: 860px)').matches) {
      document.querySelectorAll('details[data-collapse-narrow]').forEach(function (d) { d.open = false; });
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
