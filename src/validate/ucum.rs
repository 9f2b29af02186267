//! A small UCUM subset for comparing quantities in different units (minValue/maxValue): the
//! metric prefixes on gram, metre, litre, second and mole, the time units, and a few customary
//! units. Enough for the units profiles use in bounds; anything else is "not comparable".

/// `(factor, dimension)` that turns a value in `code` into the dimension's base unit.
pub fn canonical(code: &str) -> Option<(f64, &'static str)> {
    const SPECIAL: &[(&str, f64, &str)] = &[
        ("min", 60.0, "s"),
        ("h", 3_600.0, "s"),
        ("d", 86_400.0, "s"),
        ("wk", 604_800.0, "s"),
        ("mo", 2_629_800.0, "s"),
        ("a", 31_557_600.0, "s"),
        ("[lb_av]", 453.592_37, "g"),
        ("[oz_av]", 28.349_523_125, "g"),
        ("[in_i]", 0.025_4, "m"),
        ("[ft_i]", 0.304_8, "m"),
        ("%", 0.01, "1"),
        ("1", 1.0, "1"),
    ];
    if let Some((_, f, d)) = SPECIAL.iter().find(|(c, _, _)| *c == code) {
        return Some((*f, d));
    }
    const BASES: &[&str] = &["g", "m", "L", "l", "s", "mol"];
    const PREFIXES: &[(&str, f64)] = &[
        ("", 1.0),
        ("k", 1e3),
        ("h", 1e2),
        ("da", 1e1),
        ("d", 1e-1),
        ("c", 1e-2),
        ("m", 1e-3),
        ("u", 1e-6),
        ("n", 1e-9),
        ("p", 1e-12),
    ];
    for base in BASES {
        if let Some(prefix) = code.strip_suffix(base)
            && let Some((_, f)) = PREFIXES.iter().find(|(p, _)| *p == prefix)
        {
            let dim = match *base {
                "l" => "L",
                "g" => "g",
                "m" => "m",
                "L" => "L",
                "s" => "s",
                _ => "mol",
            };
            return Some((*f, dim));
        }
    }
    None
}

/// `value` in unit `from`, expressed in unit `to`; `None` when the units do not convert.
pub fn convert(value: f64, from: &str, to: &str) -> Option<f64> {
    if from == to {
        return Some(value);
    }
    let (f1, d1) = canonical(from)?;
    let (f2, d2) = canonical(to)?;
    (d1 == d2).then(|| value * f1 / f2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_within_a_dimension_only() {
        assert_eq!(convert(1500.0, "g", "kg"), Some(1.5));
        assert_eq!(convert(2.0, "h", "min"), Some(120.0));
        assert_eq!(convert(1.0, "a", "d"), Some(365.25));
        assert_eq!(convert(1.0, "mL", "L"), Some(0.001));
        assert_eq!(convert(1.0, "kg", "m"), None);
        assert_eq!(convert(1.0, "furlong", "m"), None);
    }
}
