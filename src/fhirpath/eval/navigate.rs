//! Navigation over the JSON tree: member access with choice types and `_name` companions,
//! children, and strict-mode checks of element names.

use super::*;

impl<'a, 'e> Evaluator<'a, 'e> {
    pub(super) fn ident(
        &mut self,
        this: &[Item<'a>],
        name: &'a str,
    ) -> Result<Coll<'a>, EvalError> {
        if name
            .as_bytes()
            .first()
            .is_some_and(|c| c.is_ascii_uppercase())
        {
            let mut out = Coll::new();
            for it in this {
                if let Item::Elem(e) = it {
                    let t = self.elem_type(e);
                    if t == name || (!t.is_empty() && self.model.is_type(t, name)) {
                        out.push(it.clone());
                    }
                }
            }
            if out.is_empty() && self.env.strict && !this.is_empty() {
                return err(format!("'{name}' does not match the type of the context"));
            }
            return Ok(out);
        }
        let mut out = Coll::new();
        self.navigate(this, name, &mut out)?;
        Ok(out)
    }

    pub(crate) fn navigate(
        &mut self,
        input: &[Item<'a>],
        name: &'a str,
        out: &mut Coll<'a>,
    ) -> Result<(), EvalError> {
        let before = out.len();
        for it in input {
            self.tick()?;
            match it {
                Item::Elem(e) => self.children_named(e, name, out)?,
                Item::Type(ns, n) => match name {
                    "namespace" => out.push(Item::Str(Cow::Borrowed(ns))),
                    "name" => out.push(Item::Str(Cow::Borrowed(n))),
                    _ => {}
                },
                Item::Quantity(q) => match name {
                    "value" => out.push(Item::Dec(q.value)),
                    "unit" | "code" => out.push(Item::Str(q.unit.clone())),
                    _ => {}
                },
                _ => {}
            }
        }
        if self.env.strict && out.len() == before && !input.is_empty() {
            self.check_element_defined(input, name)?;
        }
        Ok(())
    }

    /// Strict mode: an error when none of the (typed) input items' types defines `name`.
    pub(super) fn check_element_defined(
        &self,
        input: &[Item<'a>],
        name: &str,
    ) -> Result<(), EvalError> {
        let mut types = Vec::new();
        for it in input {
            let Item::Elem(e) = it else {
                return Ok(());
            };
            let t = self.elem_type(e);
            if t.is_empty() {
                return Ok(());
            }
            // primitives: only id / extension
            if e.value
                .is_some_and(|v| !matches!(v.value, Value::Object(_)))
                && (name == "id" || name == "extension")
            {
                return Ok(());
            }
            match self.model.has_element(t, name) {
                Some(false) => types.push(t),
                _ => return Ok(()),
            }
        }
        match types.first() {
            Some(t) => err(format!("'{name}' is not an element of {t}")),
            None => Ok(()),
        }
    }

    /// Pushes the element(s) for a value member and its `_name` companion.
    pub(super) fn push_pair(
        &self,
        value: Option<&'a Node<'a>>,
        ext: Option<&'a Node<'a>>,
        ty: &'a str,
        key: &'a str,
        out: &mut Coll<'a>,
    ) {
        let empty: &'a [Node<'a>] = &[];
        match (value.map(|v| &v.value), ext.map(|x| &x.value)) {
            (Some(Value::Array(vs)), xs) => {
                let xs: &'a [Node<'a>] = match xs {
                    Some(Value::Array(a)) => a,
                    _ => empty,
                };
                for i in 0..vs.len().max(xs.len()) {
                    let v = vs.get(i).filter(|n| !is_null(n));
                    let x = xs.get(i).filter(|n| !is_null(n));
                    if v.is_some() || x.is_some() {
                        out.push(Item::Elem(Elem {
                            value: v,
                            ext: x,
                            ty,
                            key,
                        }));
                    }
                }
            }
            (None, Some(Value::Array(xs))) => {
                for x in xs.iter().filter(|n| !is_null(n)) {
                    out.push(Item::Elem(Elem {
                        value: None,
                        ext: Some(x),
                        ty,
                        key,
                    }));
                }
            }
            _ => {
                let v = value.filter(|n| !is_null(n));
                let x = ext.filter(|n| matches!(n.value, Value::Object(_)));
                if v.is_some() || x.is_some() {
                    out.push(Item::Elem(Elem {
                        value: v,
                        ext: x,
                        ty,
                        key,
                    }));
                }
            }
        }
    }

    /// Children of `e` called `name` (FHIRPath name: `value` also matches `valueQuantity`).
    pub(super) fn children_named(
        &mut self,
        e: &Elem<'a>,
        name: &'a str,
        out: &mut Coll<'a>,
    ) -> Result<(), EvalError> {
        let members = match e.value.map(|v| &v.value) {
            Some(Value::Object(m)) => m,
            _ => {
                // A primitive: only `id` and `extension`, found in the `_name` companion.
                if let Some(Value::Object(xm)) = e.ext.map(|x| &x.value)
                    && (name == "extension" || name == "id")
                {
                    let pty = self.elem_type(e);
                    for m in xm.iter().filter(|m| m.key == name) {
                        self.push_pair(Some(&m.value), None, pty, &m.key, out);
                    }
                }
                return Ok(());
            }
        };
        // the parent's type is looked up only when needed
        let mut pty_cache: Option<&'a str> = None;
        let mut value = None;
        let mut ext = None;
        let mut found_choice = false;
        for m in members {
            let k: &'a str = &m.key;
            if k == name {
                let pty = *pty_cache.get_or_insert_with(|| self.elem_type(e));
                if self.env.strict
                    && !pty.is_empty()
                    && let Some(ct) = self.model.child_type(pty, k)
                    && ct.name != name
                {
                    return err(format!("'{name}' is a choice type: use '{}'", ct.name));
                }
                value = Some(&m.value);
            } else if k.len() == name.len() + 1 && k.starts_with('_') && k.get(1..) == Some(name) {
                ext = Some(&m.value);
            } else if k.len() > name.len()
                && k.starts_with(name)
                && k.as_bytes()
                    .get(name.len())
                    .is_some_and(|c| c.is_ascii_uppercase())
            {
                let pty = *pty_cache.get_or_insert_with(|| self.elem_type(e));
                if let Some(ct) = self.choice_type(pty, k, name) {
                    found_choice = true;
                    let companion = members
                        .iter()
                        .find(|c| {
                            c.key.len() == k.len() + 1
                                && c.key.starts_with('_')
                                && c.key.get(1..) == Some(k)
                        })
                        .map(|c| &c.value);
                    self.push_pair(Some(&m.value), companion, ct, "", out);
                }
            } else if !found_choice
                && k.starts_with('_')
                && k.len() > name.len() + 1
                && k.get(1..).is_some_and(|r| r.starts_with(name))
                && k.as_bytes()
                    .get(name.len() + 1)
                    .is_some_and(|c| c.is_ascii_uppercase())
                && !members.iter().any(|c| c.key.get(..) == k.get(1..))
            {
                // `_valueString` without `valueString`
                let pty = *pty_cache.get_or_insert_with(|| self.elem_type(e));
                if let Some(ck) = k.get(1..)
                    && let Some(ct) = self.choice_type(pty, ck, name)
                {
                    self.push_pair(None, Some(&m.value), ct, "", out);
                }
            }
        }
        if value.is_some() || ext.is_some() {
            let pty = pty_cache.unwrap_or_else(|| self.elem_type(e));
            self.push_pair(value, ext, pty, name, out);
        }
        Ok(())
    }

    /// The type of choice key `key` (e.g. `valueQuantity`) when it is the element `name`.
    pub(super) fn choice_type(&self, parent: &'a str, key: &'a str, name: &str) -> Option<&'a str> {
        if !parent.is_empty()
            && let Some(ct) = self.model.child_type(parent, key)
        {
            return (ct.name == name).then_some(ct.type_name);
        }
        choice_suffix_type(key.get(name.len()..)?)
    }

    /// All children of an item (JSON order; `_name` companions merged).
    pub(crate) fn children_of(
        &mut self,
        it: &Item<'a>,
        out: &mut Coll<'a>,
    ) -> Result<(), EvalError> {
        self.tick()?;
        let Item::Elem(e) = it else {
            return Ok(());
        };
        let members = match e.value.map(|v| &v.value) {
            Some(Value::Object(m)) => m,
            _ => {
                if let Some(Value::Object(xm)) = e.ext.map(|x| &x.value) {
                    let pty = self.elem_type(e);
                    for m in xm.iter() {
                        if m.key == "extension" || m.key == "id" {
                            self.push_pair(Some(&m.value), None, pty, &m.key, out);
                        }
                    }
                }
                return Ok(());
            }
        };
        let pty = self.elem_type(e);
        for m in members {
            let k: &'a str = &m.key;
            if k == "resourceType" {
                continue;
            }
            if let Some(base) = k.strip_prefix('_') {
                if !members.iter().any(|c| c.key == base) {
                    self.push_pair(None, Some(&m.value), pty, base, out);
                }
                continue;
            }
            let companion = if members.len() > 1 {
                members
                    .iter()
                    .find(|c| {
                        c.key.len() == k.len() + 1
                            && c.key.starts_with('_')
                            && c.key.get(1..) == Some(k)
                    })
                    .map(|c| &c.value)
            } else {
                None
            };
            self.push_pair(Some(&m.value), companion, pty, k, out);
        }
        Ok(())
    }
}
