//! Expansion: the [`Builder`] that interns systems and codes, indexes code systems, expands
//! every value set (includes, excludes, imports, filters, limits) and assembles the store.

use super::filter::*;
use super::*;

pub(in crate::terminology) struct Out {
    pub(in crate::terminology) systems: Vec<SystemData>,
    pub(in crate::terminology) value_sets: Vec<ValueSetData>,
    pub(in crate::terminology) reasons: Vec<String>,
    pub(in crate::terminology) report: FinishReport,
}

/// An expansion under construction: members are build ids (sorted, unique).
#[derive(Clone, Debug, Default)]
pub(super) struct Exp {
    members: Vec<u32>,
    /// (system scope, reason id)
    unknown: Vec<(Option<u32>, u32)>,
}

impl Exp {
    fn unknown(scope: Option<u32>, reason: u32) -> Exp {
        Exp {
            members: Vec::new(),
            unknown: vec![(scope, reason)],
        }
    }
    fn normalise(&mut self) {
        self.members.sort_unstable();
        self.members.dedup();
        let mut seen = HashSet::new();
        self.unknown.retain(|u| seen.insert(*u));
    }
}

pub(super) enum State {
    Todo,
    Busy,
    Done(Exp),
}

/// Per CodeSystem version: build ids of its concepts and its hierarchy.
pub(super) struct CsIndex {
    pub(super) bids: Vec<u32>,
    /// code (folded when case-insensitive) → concept index
    pub(super) by_key: HashMap<String, u32>,
    pub(super) children: Vec<Vec<u32>>,
    pub(super) parents: Vec<Vec<u32>>,
}

pub(super) struct Builder {
    cs: Vec<RawCs>,
    vs: Vec<RawVs>,
    /// url → CodeSystem indexes, the current one first
    cs_by_url: HashMap<String, Vec<usize>>,
    vs_by_url: HashMap<String, Vec<usize>>,
    sys_ids: HashMap<String, u32>,
    sys_urls: Vec<String>,
    /// case-insensitive systems
    sys_ci: Vec<bool>,
    intern: HashMap<(u32, String), u32>,
    /// build id → (system, code)
    codes: Vec<(u32, String)>,
    /// build id → defined by the current CodeSystem of its system
    defined: Vec<bool>,
    cs_index: Vec<Option<CsIndex>>,
    memo: Vec<State>,
    notes: Vec<String>,
    reasons: Vec<String>,
    reason_ids: HashMap<String, u32>,
}

pub(in crate::terminology) fn finish(p: Pending, limits: &ExpansionLimits) -> Out {
    let mut b = Builder {
        cs_index: (0..p.cs.len()).map(|_| None).collect(),
        memo: (0..p.vs.len()).map(|_| State::Todo).collect(),
        cs: p.cs,
        vs: p.vs,
        cs_by_url: HashMap::new(),
        vs_by_url: HashMap::new(),
        sys_ids: HashMap::new(),
        sys_urls: Vec::new(),
        sys_ci: Vec::new(),
        intern: HashMap::new(),
        codes: Vec::new(),
        defined: Vec::new(),
        notes: Vec::new(),
        reasons: Vec::new(),
        reason_ids: HashMap::new(),
    };
    b.run(limits)
}

/// Groups indexes by url, the newest first.
pub(super) fn group<T>(
    items: &[T],
    key: impl Fn(&T) -> (&str, u8, Option<&str>, u32),
    skip: impl Fn(&T) -> bool,
) -> HashMap<String, Vec<usize>> {
    let mut map: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        if skip(it) {
            continue;
        }
        let (url, ..) = key(it);
        map.entry(url.to_string()).or_default().push(i);
    }
    for list in map.values_mut() {
        let mut best = 0;
        for j in 1..list.len() {
            let (_, ra, va, sa) = key(&items[list[j]]);
            let (_, rb, vb, sb) = key(&items[list[best]]);
            if newer((ra, va, sa), (rb, vb, sb)) {
                best = j;
            }
        }
        let b = list.remove(best);
        list.insert(0, b);
    }
    map
}

impl Builder {
    fn run(&mut self, limits: &ExpansionLimits) -> Out {
        self.cs_by_url = group(
            &self.cs,
            |c| (c.url.as_str(), c.rank, c.version.as_deref(), c.seq),
            |c| c.content == Content::Supplement,
        );
        self.vs_by_url = group(
            &self.vs,
            |v| (v.url.as_str(), v.rank, v.version.as_deref(), v.seq),
            |_| false,
        );
        // the current CodeSystem of each url: register the system, then its concepts, so
        // that build ids of defined codes come first and case-insensitivity is known
        let mut currents: Vec<(String, usize)> = self
            .cs_by_url
            .iter()
            .filter_map(|(u, l)| Some((u.clone(), *l.first()?)))
            .collect();
        currents.sort_by_key(|(_, i)| *i);
        for (url, i) in &currents {
            let ci = !self.cs[*i].case_sensitive;
            let sid = self.sys_id(url);
            if let Some(f) = self.sys_ci.get_mut(sid as usize) {
                *f = ci;
            }
        }
        for (_, i) in &currents {
            self.ensure_index(*i);
            if let Some(ix) = &self.cs_index[*i] {
                for &b in &ix.bids {
                    if let Some(d) = self.defined.get_mut(b as usize) {
                        *d = true;
                    }
                }
            }
        }
        for i in 0..self.vs.len() {
            self.expand_vs(i);
        }
        self.assemble(limits, &currents)
    }

    fn sys_id(&mut self, url: &str) -> u32 {
        if let Some(&i) = self.sys_ids.get(url) {
            return i;
        }
        let i = self.sys_urls.len() as u32;
        self.sys_urls.push(url.to_string());
        self.sys_ci.push(false);
        self.sys_ids.insert(url.to_string(), i);
        i
    }

    fn key(&self, sid: u32, code: &str) -> String {
        if self.sys_ci.get(sid as usize).copied().unwrap_or(false) {
            fold(code)
        } else {
            code.to_string()
        }
    }

    fn intern(&mut self, sid: u32, code: &str) -> u32 {
        let key = (sid, self.key(sid, code));
        if let Some(&b) = self.intern.get(&key) {
            return b;
        }
        let b = self.codes.len() as u32;
        self.codes.push((sid, code.to_string()));
        self.defined.push(false);
        self.intern.insert(key, b);
        b
    }

    fn reason(&mut self, text: String) -> u32 {
        if let Some(&i) = self.reason_ids.get(&text) {
            return i;
        }
        let i = self.reasons.len() as u32;
        self.reasons.push(text.clone());
        self.reason_ids.insert(text, i);
        i
    }

    fn note(&mut self, text: String) {
        self.notes.push(text);
    }

    fn ensure_index(&mut self, ci: usize) {
        if self.cs_index.get(ci).is_none_or(Option::is_some) {
            return;
        }
        let url = self.cs[ci].url.clone();
        let sid = self.sys_id(&url);
        let n = self.cs[ci].concepts.len();
        let mut bids = Vec::with_capacity(n);
        let mut by_key = HashMap::with_capacity(n);
        for j in 0..n {
            let code = self.cs[ci].concepts[j].code.clone();
            bids.push(self.intern(sid, &code));
            by_key.entry(self.key(sid, &code)).or_insert(j as u32);
        }
        let cs = &self.cs[ci];
        let parent_props: HashSet<&str> = cs
            .props
            .iter()
            .filter(|p| {
                p.uri.ends_with("concept-properties#parent")
                    || ((p.code == "parent" || p.code == "subsumedBy")
                        && !p.uri.ends_with("#child"))
            })
            .map(|p| p.code.as_str())
            .collect();
        let child_props: HashSet<&str> = cs
            .props
            .iter()
            .filter(|p| p.uri.ends_with("concept-properties#child") || p.code == "child")
            .map(|p| p.code.as_str())
            .collect();
        let mut parents: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
        let ci_sys = !cs.case_sensitive;
        let find = |code: &str| -> Option<u32> {
            if ci_sys {
                by_key.get(&fold(code)).copied()
            } else {
                by_key.get(code).copied()
            }
        };
        let mut link = |p: u32, c: u32| {
            if p == c {
                return;
            }
            if let Some(pc) = children.get_mut(p as usize)
                && !pc.contains(&c)
            {
                pc.push(c);
                if let Some(pp) = parents.get_mut(c as usize) {
                    pp.push(p);
                }
            }
        };
        for (j, c) in cs.concepts.iter().enumerate() {
            if let Some(p) = c.nest_parent {
                link(p, j as u32);
            }
            for (k, v) in &c.props {
                if parent_props.contains(k.as_str()) {
                    if let Some(p) = find(v) {
                        link(p, j as u32);
                    }
                } else if child_props.contains(k.as_str())
                    && let Some(ch) = find(v)
                {
                    link(j as u32, ch);
                }
            }
        }
        self.cs_index[ci] = Some(CsIndex {
            bids,
            by_key,
            children,
            parents,
        });
    }

    /// The CodeSystem to expand `url` (`version` if loaded, else the newest, with a note).
    fn pick_cs(&mut self, url: &str, version: Option<&str>, vs: &str) -> Option<usize> {
        let list = self.cs_by_url.get(url)?;
        let current = *list.first()?;
        if let Some(v) = version {
            if let Some(&i) = list
                .iter()
                .find(|&&i| self.cs[i].version.as_deref() == Some(v))
            {
                return Some(i);
            }
            let have = self.cs[current]
                .version
                .clone()
                .unwrap_or_else(|| "(none)".to_string());
            self.note(format!(
                "{vs}: includes {url}|{v}, but version {have} is loaded; used that"
            ));
        }
        Some(current)
    }

    fn expand_ref(&mut self, canonical: &str, from: &str) -> Exp {
        let (url, version) = crate::canonical::split(canonical);
        let Some(list) = self.vs_by_url.get(url) else {
            let r = self.reason(format!(
                "imported value set {} not loaded",
                describe_value_set_source(url)
            ));
            return Exp::unknown(None, r);
        };
        let mut pick = list.first().copied();
        if let Some(v) = version {
            match list
                .iter()
                .find(|&&i| self.vs[i].version.as_deref() == Some(v))
            {
                Some(&i) => pick = Some(i),
                None => {
                    let msg = format!(
                        "{from}: imports {url}|{v}, which is not loaded; used the newest version"
                    );
                    self.note(msg);
                }
            }
        }
        match pick {
            Some(i) => self.expand_vs(i),
            None => Exp::default(),
        }
    }

    fn expand_vs(&mut self, i: usize) -> Exp {
        match self.memo.get(i) {
            Some(State::Done(e)) => return e.clone(),
            Some(State::Busy) => {
                let url = self.vs[i].url.clone();
                let r = self.reason(format!("value set {url} imports itself (circular)"));
                return Exp::unknown(None, r);
            }
            Some(State::Todo) => {}
            None => return Exp::default(),
        }
        self.memo[i] = State::Busy;
        let e = self.compute_vs(i);
        self.memo[i] = State::Done(e.clone());
        e
    }

    fn compute_vs(&mut self, i: usize) -> Exp {
        let label = match &self.vs[i].version {
            Some(v) => format!("{}|{}", self.vs[i].url, v),
            None => self.vs[i].url.clone(),
        };
        let expansion = self.vs[i].expansion.clone();
        if let Some(x) = &expansion
            && (x.complete || self.vs[i].compose.is_none())
        {
            let mut e = Exp::default();
            for (s, c) in &x.codes {
                let sid = self.sys_id(s);
                e.members.push(self.intern(sid, c));
            }
            if !x.complete {
                let r = self.reason("the expansion in the package is incomplete".to_string());
                e.unknown.push((None, r));
            }
            e.normalise();
            return e;
        }
        let Some(compose) = self.vs[i].compose.clone() else {
            let r = self.reason("the value set has neither compose nor expansion".to_string());
            return Exp::unknown(None, r);
        };
        let mut e = Exp::default();
        for inc in &compose.include {
            let x = self.expand_include(inc, &label);
            e.members.extend(x.members);
            e.unknown.extend(x.unknown);
        }
        e.normalise();
        for exc in &compose.exclude {
            let x = self.expand_include(exc, &label);
            let drop: HashSet<u32> = x.members.into_iter().collect();
            e.members.retain(|b| !drop.contains(b));
            for (scope, reason) in x.unknown {
                let affected =
                    |b: &u32| scope.is_none() || self.codes.get(*b as usize).map(|c| c.0) == scope;
                if e.members.iter().any(affected) {
                    let codes = &self.codes;
                    e.members.retain(|b| {
                        !(scope.is_none() || codes.get(*b as usize).map(|c| c.0) == scope)
                    });
                    let text = format!(
                        "an exclusion cannot be evaluated: {}",
                        self.reasons
                            .get(reason as usize)
                            .cloned()
                            .unwrap_or_default()
                    );
                    let r = self.reason(text);
                    e.unknown.push((scope, r));
                }
            }
        }
        e.normalise();
        e
    }

    fn expand_include(&mut self, inc: &Include, label: &str) -> Exp {
        let mut parts: Vec<Exp> = Vec::new();
        let scope = inc.system.as_deref().map(|s| self.sys_id(s));
        if let (Some(system), Some(sid)) = (inc.system.as_deref(), scope) {
            let p = self.expand_system_part(sid, system, inc, label);
            parts.push(p);
        } else if inc.value_sets.is_empty() {
            self.note(format!(
                "{label}: an include or exclude has neither system nor valueSet"
            ));
            return Exp::default();
        }
        for v in &inc.value_sets {
            let mut x = self.expand_ref(v, label);
            if let Some(sid) = scope {
                let codes = &self.codes;
                x.members
                    .retain(|b| codes.get(*b as usize).map(|c| c.0) == Some(sid));
                x.unknown = x
                    .unknown
                    .into_iter()
                    .filter(|(s, _)| s.is_none() || *s == Some(sid))
                    .map(|(_, r)| (Some(sid), r))
                    .collect();
            }
            parts.push(x);
        }
        let mut it = parts.into_iter();
        let mut acc = it.next().unwrap_or_default();
        for x in it {
            let keep: HashSet<u32> = x.members.into_iter().collect();
            acc.members.retain(|b| keep.contains(b));
            acc.unknown.extend(x.unknown);
        }
        acc.normalise();
        acc
    }

    fn expand_system_part(&mut self, sid: u32, system: &str, inc: &Include, label: &str) -> Exp {
        let explicit = !inc.concepts.is_empty();
        if explicit && inc.filters.is_empty() {
            let cs = match self.cs_by_url.get(system).and_then(|l| l.first()) {
                Some(_) => self.pick_cs(system, inc.version.as_deref(), label),
                None => None,
            };
            let mut e = Exp::default();
            for c in &inc.concepts {
                e.members.push(self.intern(sid, c));
            }
            if let Some(ci) = cs
                && self.cs[ci].content == Content::Complete
            {
                self.ensure_index(ci);
                let missing: Vec<String> = match &self.cs_index[ci] {
                    Some(ix) => inc
                        .concepts
                        .iter()
                        .filter(|c| !ix.by_key.contains_key(&self.key(sid, c)))
                        .cloned()
                        .collect(),
                    None => Vec::new(),
                };
                if !missing.is_empty() {
                    self.note(format!(
                        "{label}: codes not defined in {system}: {}",
                        missing.join(", ")
                    ));
                }
            }
            e.normalise();
            return e;
        }
        let Some(ci) = self.pick_cs(system, inc.version.as_deref(), label) else {
            let r = self.reason(format!(
                "code system {} not loaded",
                describe_system(system)
            ));
            return Exp::unknown(Some(sid), r);
        };
        let content = self.cs[ci].content;
        if content == Content::NotPresent {
            let r = self.reason(format!(
                "code system {} not loaded (the packages only have a content = not-present stub)",
                describe_system(system)
            ));
            return Exp::unknown(Some(sid), r);
        }
        self.ensure_index(ci);
        let Some(ix) = self.cs_index.get(ci).and_then(Option::as_ref) else {
            return Exp::default();
        };
        let cs = &self.cs[ci];
        let n = cs.concepts.len();
        let mut mask = vec![true; n];
        for f in &inc.filters {
            match apply_filter(cs, ix, f) {
                Ok(m) => {
                    for (a, b) in mask.iter_mut().zip(m) {
                        *a &= b;
                    }
                }
                Err(why) => {
                    let r = self.reason(format!(
                        "filter {} {} {} on {} not supported offline: {why}",
                        f.property,
                        f.op,
                        f.value,
                        describe_system(system)
                    ));
                    return Exp::unknown(Some(sid), r);
                }
            }
        }
        if explicit {
            let wanted: HashSet<String> = inc
                .concepts
                .iter()
                .map(|c| {
                    if cs.case_sensitive {
                        c.clone()
                    } else {
                        fold(c)
                    }
                })
                .collect();
            for (j, m) in mask.iter_mut().enumerate() {
                let k = if cs.case_sensitive {
                    cs.concepts[j].code.clone()
                } else {
                    fold(&cs.concepts[j].code)
                };
                *m &= wanted.contains(&k);
            }
        }
        let mut e = Exp::default();
        for (j, m) in mask.iter().enumerate() {
            if *m && let Some(&b) = ix.bids.get(j) {
                e.members.push(b);
            }
        }
        if matches!(content, Content::Fragment | Content::Example) {
            let word = if content == Content::Fragment {
                "fragment"
            } else {
                "example"
            };
            let r = self.reason(format!(
                "code system {} is incomplete (content = {word})",
                describe_system(system)
            ));
            e.unknown.push((Some(sid), r));
        }
        e.normalise();
        e
    }

    // -----------------------------------------------------------------------
    // Final store
    // -----------------------------------------------------------------------

    fn assemble(&mut self, limits: &ExpansionLimits, currents: &[(String, usize)]) -> Out {
        let nsys = self.sys_urls.len();
        // defined codes of each system, in CodeSystem order, unique
        let mut current_of: Vec<Option<usize>> = vec![None; nsys];
        for (url, i) in currents {
            if let Some(&sid) = self.sys_ids.get(url) {
                current_of[sid as usize] = Some(*i);
            }
        }
        let mut defined_lists: Vec<Vec<u32>> = vec![Vec::new(); nsys];
        let mut defined_pos: Vec<Vec<u32>> = vec![Vec::new(); nsys]; // concept index per entry
        for sid in 0..nsys {
            if let Some(ci) = current_of[sid]
                && let Some(ix) = &self.cs_index[ci]
            {
                let mut seen = HashSet::new();
                for (j, &b) in ix.bids.iter().enumerate() {
                    if seen.insert(b) {
                        defined_lists[sid].push(b);
                        defined_pos[sid].push(j as u32);
                    }
                }
            }
        }
        // per value set: compact "whole system", apply the size limit
        struct Fin {
            members: Vec<u32>,
            whole: Vec<u32>,
            unknown: Vec<(Option<u32>, u32)>,
        }
        let mut fins: Vec<Fin> = Vec::with_capacity(self.vs.len());
        for i in 0..self.vs.len() {
            let e = match &self.memo[i] {
                State::Done(e) => e.clone(),
                _ => Exp::default(),
            };
            let mut per_sys: HashMap<u32, usize> = HashMap::new();
            for &b in &e.members {
                if self.defined.get(b as usize).copied().unwrap_or(false)
                    && let Some((s, _)) = self.codes.get(b as usize)
                {
                    *per_sys.entry(*s).or_default() += 1;
                }
            }
            let mut whole: Vec<u32> = per_sys
                .into_iter()
                .filter(|(s, n)| {
                    let d = defined_lists.get(*s as usize).map_or(0, Vec::len);
                    d > 0 && *n == d
                })
                .map(|(s, _)| s)
                .collect();
            whole.sort_unstable();
            let mut members = e.members;
            if !whole.is_empty() {
                let codes = &self.codes;
                let defined = &self.defined;
                members.retain(|b| {
                    let d = defined.get(*b as usize).copied().unwrap_or(false);
                    let s = codes.get(*b as usize).map(|c| c.0);
                    !(d && s.is_some_and(|s| whole.binary_search(&s).is_ok()))
                });
            }
            let mut unknown = e.unknown;
            if members.len() > limits.max_codes {
                let r = self.reason(format!(
                    "expansion too large: {} codes (limit {})",
                    members.len(),
                    limits.max_codes
                ));
                members.clear();
                whole.clear();
                unknown = vec![(None, r)];
            }
            fins.push(Fin {
                members,
                whole,
                unknown,
            });
        }
        // extra (not defined) codes that some expansion uses
        let mut extras: Vec<Vec<u32>> = vec![Vec::new(); nsys];
        let mut used = vec![false; self.codes.len()];
        for f in &fins {
            for &b in &f.members {
                if let Some(u) = used.get_mut(b as usize) {
                    *u = true;
                }
            }
        }
        for (b, (s, _)) in self.codes.iter().enumerate() {
            if used[b] && !self.defined[b] {
                extras[*s as usize].push(b as u32);
            }
        }
        // renumber: system by system, defined codes first
        let mut gid_of = vec![u32::MAX; self.codes.len()];
        let mut systems = Vec::with_capacity(nsys);
        let mut next: u32 = 0;
        for sid in 0..nsys {
            let mut data = SystemData {
                url: self.sys_urls[sid].clone(),
                case_sensitive: !self.sys_ci[sid],
                ..Default::default()
            };
            if let Some(ci) = current_of[sid] {
                let cs = &self.cs[ci];
                data.version = cs.version.clone();
                data.name = cs.name.clone();
                data.content = cs.content;
                data.defined = defined_lists[sid].len() as u32;
                for (k, &b) in defined_lists[sid].iter().enumerate() {
                    let j = defined_pos[sid][k] as usize;
                    let c = &cs.concepts[j];
                    gid_of[b as usize] = next;
                    next += 1;
                    data.codes.push(c.code.clone());
                    let disp = c.display.clone().unwrap_or_default();
                    let mut kept: Vec<&str> = Vec::new();
                    for d in &c.designations {
                        if d.is_empty()
                            || text_eq_ci(d, &disp)
                            || kept.iter().any(|k| text_eq_ci(k, d))
                        {
                            continue;
                        }
                        kept.push(d);
                        data.designations.push((k as u32, d.clone()));
                    }
                    data.displays.push(disp);
                }
            }
            for &b in &extras[sid] {
                gid_of[b as usize] = next;
                next += 1;
                data.codes.push(self.codes[b as usize].1.clone());
            }
            systems.push(data);
        }
        // value sets
        let mut value_sets = Vec::with_capacity(self.vs.len());
        let mut report = FinishReport {
            code_systems: self.cs.len(),
            value_sets: self.vs.len(),
            ..Default::default()
        };
        let mut reason_count: HashMap<u32, usize> = HashMap::new();
        for (i, f) in fins.into_iter().enumerate() {
            let v = &self.vs[i];
            let mut members: Vec<u32> = f
                .members
                .iter()
                .filter_map(|b| gid_of.get(*b as usize).copied())
                .filter(|g| *g != u32::MAX)
                .collect();
            members.sort_unstable();
            members.dedup();
            let mut vs_systems: Vec<u32> = f
                .members
                .iter()
                .filter_map(|b| self.codes.get(*b as usize).map(|c| c.0))
                .chain(f.whole.iter().copied())
                .collect();
            vs_systems.sort_unstable();
            vs_systems.dedup();
            if f.unknown.is_empty() {
                report.expanded += 1;
            } else if members.is_empty() && f.whole.is_empty() {
                report.unexpandable += 1;
            } else {
                report.partial += 1;
            }
            let mut distinct: Vec<u32> = f.unknown.iter().map(|u| u.1).collect();
            distinct.sort_unstable();
            distinct.dedup();
            for r in distinct {
                *reason_count.entry(r).or_default() += 1;
            }
            let current = self
                .vs_by_url
                .get(&v.url)
                .and_then(|l| l.first())
                .is_some_and(|&c| c == i);
            value_sets.push(ValueSetData {
                url: v.url.clone(),
                package: v.package.clone(),
                version: v.version.clone(),
                title: v.title.clone(),
                current,
                members: SortedIds(members),
                whole: f.whole,
                unknown: f
                    .unknown
                    .into_iter()
                    .map(|(system, reason)| UnknownPart { system, reason })
                    .collect(),
                systems: vs_systems,
            });
        }
        let mut reasons: Vec<(String, usize)> = reason_count
            .into_iter()
            .map(|(r, n)| (self.reasons[r as usize].clone(), n))
            .collect();
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        report.reasons = reasons;
        report.notes = std::mem::take(&mut self.notes);
        Out {
            systems,
            value_sets,
            reasons: std::mem::take(&mut self.reasons),
            report,
        }
    }
}
