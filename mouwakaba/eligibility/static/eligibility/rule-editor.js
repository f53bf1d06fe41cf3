// The conditions editor: turns the rule's JSON (kept in a textarea, the advanced fallback
// that works without JavaScript) into groups and rows of conditions a non-developer can
// edit, and writes the JSON back on every change. No library, no external request.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var host = document.getElementById("rule-editor");
    var textarea = document.querySelector("[data-rule-json]");
    var vocabularyNode = document.getElementById("rule-vocabulary");
    if (!host || !textarea || !vocabularyNode) return;
    var V = JSON.parse(vocabularyNode.textContent);
    var T = V.text;
    var disabled = !!textarea.closest("fieldset[disabled]");
    var counter = 0;

    function el(tag, attrs, children) {
      var node = document.createElement(tag);
      Object.keys(attrs || {}).forEach(function (key) {
        if (key === "text") node.textContent = attrs[key];
        else if (key === "className") node.className = attrs[key];
        else node.setAttribute(key, attrs[key]);
      });
      (children || []).forEach(function (child) { if (child) node.appendChild(child); });
      return node;
    }
    function uid() { counter += 1; return "rule-field-" + counter; }

    // --- model: {op: "all"|"any"|"not", children: [...]} or a condition {type: ...}
    function parse(node) {
      if (!node || typeof node !== "object") return null;
      if (node.all) return { op: "all", children: node.all.map(parse).filter(Boolean) };
      if (node.any) return { op: "any", children: node.any.map(parse).filter(Boolean) };
      if (node.not) {
        var inner = node.not;
        var children = inner.any ? inner.any : [inner];
        return { op: "not", children: children.map(parse).filter(Boolean) };
      }
      if (node.type) return JSON.parse(JSON.stringify(node));
      return null;
    }
    function serialise(node) {
      if (!node) return null;
      if (node.op) {
        var children = node.children.map(serialise).filter(Boolean);
        if (!children.length) return null;
        if (node.op === "not") return { not: children.length === 1 ? children[0] : { any: children } };
        var out = {};
        out[node.op] = children;
        return out;
      }
      return node;
    }

    var root;
    try {
      var text = textarea.value.trim();
      root = text ? parse(JSON.parse(text)) : null;
    } catch (error) {
      host.appendChild(el("p", { className: "message warning", text: "JSON" }));
      return;
    }
    if (!root) root = { op: "all", children: [] };
    else if (!root.op) root = { op: "all", children: [root] };

    function save() {
      var value = serialise(root);
      textarea.value = value ? JSON.stringify(value, null, 1) : "";
    }

    function labelled(labelText, control) {
      var id = uid();
      control.id = id;
      return el("div", { className: "field" }, [el("label", { for: id, text: labelText }), control]);
    }

    function select(options, value, onChange, multiple) {
      var node = el("select", multiple ? { multiple: "multiple", size: "6" } : {});
      options.forEach(function (option) {
        var item = el("option", { value: option[0], text: option[1] });
        if (multiple ? (value || []).indexOf(option[0]) >= 0 : option[0] === value) item.selected = true;
        node.appendChild(item);
      });
      node.addEventListener("change", function () {
        if (multiple) onChange(Array.prototype.filter.call(node.options, function (o) { return o.selected; }).map(function (o) { return o.value; }));
        else onChange(node.value);
      });
      return node;
    }

    function checkboxes(options, values, onChange) {
      var box = el("fieldset", { className: "checks" });
      options.forEach(function (option) {
        var input = el("input", { type: "checkbox", value: option[0] });
        input.checked = (values || []).indexOf(option[0]) >= 0;
        input.addEventListener("change", function () {
          onChange(Array.prototype.filter.call(box.querySelectorAll("input"), function (i) { return i.checked; }).map(function (i) { return i.value; }));
        });
        box.appendChild(el("label", { className: "check" }, [input, document.createTextNode(" " + option[1])]));
      });
      return box;
    }

    function threshold(labelText, value, onChange) {
      var isParam = value && typeof value === "object";
      var number = el("input", { type: "number", min: "0", inputmode: "numeric" });
      number.value = isParam || value === undefined || value === null ? "" : value;
      var params = [["", "—"]].concat(V.parameters);
      var param = select(params, isParam ? value.param : "", function (code) {
        number.disabled = !!code;
        onChange(code ? { param: code } : (number.value === "" ? null : parseInt(number.value, 10)));
      });
      number.disabled = !!isParam;
      number.addEventListener("input", function () {
        onChange(number.value === "" ? null : parseInt(number.value, 10));
      });
      var wrap = el("div", { className: "threshold" }, [labelled(labelText, number)]);
      if (V.parameters.length) wrap.appendChild(labelled(T.parameter, param));
      return wrap;
    }

    function setOrDelete(node, key, value) {
      if (value === null || value === undefined || value === "") delete node[key];
      else node[key] = value;
      save();
    }

    function valuesEditor(node) {
      switch (node.type) {
        case "population_in":
        case "legal_status_in":
        case "sex_in":
          var kind = node.type.replace("_in", "");
          return checkboxes(V[kind], node.values, function (values) { node.values = values; save(); });
        case "nationality_in":
          var input = el("input", { type: "text" });
          input.value = (node.values || []).join(", ");
          input.addEventListener("input", function () {
            node.values = input.value.split(/[,\s]+/).filter(Boolean).map(function (v) { return v.toUpperCase(); });
            save();
          });
          return labelled(T.codes, input);
        case "age_between":
          return el("div", { className: "criteria-values" }, [
            threshold(T.min, node.min, function (v) { setOrDelete(node, "min", v); }),
            threshold(T.max, node.max, function (v) { setOrDelete(node, "max", v); })
          ]);
        case "holds_document":
          if (!node.doc_type) { node.doc_type = V.doc_type[0][0]; save(); }
          return select(V.doc_type, node.doc_type, function (v) { node.doc_type = v; save(); });
        case "residence_months_min":
          return threshold(T.months, node.months, function (v) { setOrDelete(node, "months", v); });
        case "lives_in":
          return select(V.territory, node.territories, function (v) { node.territories = v; save(); }, true);
        case "vulnerability":
          if (!node.flag) { node.flag = V.vulnerability[0][0]; save(); }
          if (node.present === undefined) { node.present = true; save(); }
          return el("div", { className: "criteria-values" }, [
            select(V.vulnerability, node.flag, function (v) { node.flag = v; save(); }),
            select([["true", T.present], ["false", T.absent]], String(node.present), function (v) { node.present = v === "true"; save(); })
          ]);
      }
      return null;
    }

    function conditionRow(node, parent) {
      var row = el("div", { className: "criteria-row", "data-testid": "criterion-row" });
      var kind = select(V.kinds, node.type, function (value) {
        Object.keys(node).forEach(function (key) { delete node[key]; });
        node.type = value;
        save();
        render();
      });
      kind.setAttribute("data-testid", "criterion-kind");
      row.appendChild(labelled(T.kind, kind));
      var values = valuesEditor(node);
      if (values) row.appendChild(values);
      row.appendChild(removeButton(parent, node));
      return row;
    }

    function removeButton(parent, node) {
      var button = el("button", { type: "button", className: "link-button", text: T.remove });
      button.addEventListener("click", function () {
        parent.children.splice(parent.children.indexOf(node), 1);
        save();
        render();
      });
      return button;
    }

    function groupBox(group, parent) {
      var box = el("div", { className: "criteria-group", "data-testid": "criteria-group" });
      var op = select([["all", T.all], ["any", T.any], ["not", T.not]], group.op, function (v) {
        group.op = v; save();
      });
      op.setAttribute("data-testid", "group-op");
      box.appendChild(labelled(T.group, op));
      if (!group.children.length && !parent) box.appendChild(el("p", { className: "meta", text: T.empty }));
      group.children.forEach(function (child) {
        box.appendChild(child.op ? groupBox(child, group) : conditionRow(child, group));
      });
      var add = el("button", { type: "button", className: "secondary", text: T.add, "data-testid": "add-criterion" });
      add.addEventListener("click", function () {
        group.children.push({ type: "population_in", values: [] });
        save();
        render();
      });
      var addGroup = el("button", { type: "button", className: "link-button", text: T.add_group });
      addGroup.addEventListener("click", function () {
        group.children.push({ op: "any", children: [] });
        save();
        render();
      });
      var actions = el("div", { className: "form-actions" }, [add, addGroup]);
      if (parent) actions.appendChild(removeButton(parent, group));
      box.appendChild(actions);
      return box;
    }

    function render() {
      host.textContent = "";
      host.appendChild(groupBox(root, null));
      if (disabled) {
        Array.prototype.forEach.call(host.querySelectorAll("input, select, button"), function (c) { c.disabled = true; });
      }
    }
    render();
  });
})();
