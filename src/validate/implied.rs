//! Profiles the FHIR specification itself requires of some resources: an R4 Observation whose
//! code is a vital sign (by LOINC or SNOMED CT code) must conform to the matching core vital
//! signs profile, as the HL7 Java validator enforces. The code lists are those the Java validator
//! uses (its policy advisor), kept here as data.

use crate::json::Node;

struct Implied {
    profile: &'static str,
    name: &'static str,
    loinc: &'static [&'static str],
    snomed: &'static [&'static str],
}

const PREFIX: &str = "http://hl7.org/fhir/StructureDefinition/";

/// In Java's order: the first profile with a matching code wins, LOINC before SNOMED CT.
const VITAL_SIGNS: &[Implied] = &[
    Implied {
        profile: "vitalspanel",
        name: "Vital Signs Panel",
        loinc: &["85353-1"],
        snomed: &["46680005"],
    },
    Implied {
        profile: "resprate",
        name: "Respiratory Rate",
        loinc: &[
            "9279-1", "76170-0", "76172-6", "76171-8", "19840-8", "33438-3", "76270-8", "11291-2",
        ],
        snomed: &["86290005", "271625008", "271306003"],
    },
    Implied {
        profile: "heartrate",
        name: "Heart rate",
        loinc: &[
            "60978-4", "73795-7", "73799-9", "76476-1", "76477-9", "8867-4", "8889-8", "8890-6",
            "8891-4", "8892-2", "8893-0", "40443-4", "55425-3", "68999-2", "11328-2", "69000-8",
            "8886-4",
        ],
        snomed: &[
            "271306003",
            "249043002",
            "444981005",
            "399017001",
            "251670001",
            "429525003",
            "429614003",
        ],
    },
    Implied {
        profile: "oxygensat",
        name: "Oxygen saturation",
        loinc: &[
            "2708-6", "19224-5", "20564-1", "2709-4", "2710-2", "2713-6", "51733-4", "59408-5",
            "59417-6", "89276-0", "97549-0",
        ],
        snomed: &["442476006", "431314004"],
    },
    Implied {
        profile: "bodytemp",
        name: "Body temperature",
        loinc: &[
            "8310-5", "60834-9", "60835-6", "60836-4", "60838-0", "60955-2", "61009-7", "75539-7",
            "75987-8", "76010-8", "76011-6", "76278-1", "8309-7", "8328-7", "8329-5", "8330-3",
            "8331-1", "8332-9", "8333-7", "8334-5", "91371-5", "98657-0", "98663-8",
        ],
        snomed: &[
            "386725007",
            "276885007",
            "300076005",
            "1222808002",
            "364246006",
            "307047009",
            "708499008",
            "431598003",
            "698831002",
            "698832009",
            "415882003",
            "415974002",
            "415929009",
            "415945006",
        ],
    },
    Implied {
        profile: "bodyheight",
        name: "Body height",
        loinc: &["8302-2", "3137-7", "3138-5", "8306-3", "8308-9"],
        snomed: &[
            "1153637007",
            "1162419008",
            "50373000",
            "1162418000",
            "1230278008",
            "1162392001",
            "1162417005",
        ],
    },
    Implied {
        profile: "headcircum",
        name: "Head circumference",
        loinc: &["9843-4", "8287-5"],
        snomed: &["363812007", "169876006", "1269262007", "363811000"],
    },
    Implied {
        profile: "bodyweight",
        name: "Body weight",
        loinc: &[
            "29463-7", "3141-9", "3142-7", "75292-3", "79348-9", "8350-1", "8351-9",
        ],
        snomed: &[
            "735395000",
            "425024002",
            "424927000",
            "784399000",
            "1162416001",
            "1162415002",
        ],
    },
    Implied {
        profile: "bmi",
        name: "Body mass index",
        loinc: &["39156-5", "89270-3"],
        snomed: &["60621009"],
    },
    Implied {
        profile: "bp",
        name: "Blood pressure systolic and diastolic",
        loinc: &[
            "85354-9", "35094-2", "8459-0", "76534-7", "55284-4", "8480-6",
        ],
        snomed: &[
            "251076008",
            "163033001",
            "163035008",
            "386534000",
            "386536003",
            "271649006",
            "271650006",
            "407556006",
            "407554009",
            "716579001",
            "399304008",
        ],
    },
];

/// A profile the specification requires of this resource, with the reason.
pub(crate) struct Requirement {
    pub url: String,
    pub message: String,
}

fn first_code<'n>(code: &'n Node<'n>, system: &str, codes: &[&str]) -> Option<&'n str> {
    code.get("coding")?
        .value
        .as_array()?
        .iter()
        .filter(|c| c.get("system").and_then(|s| s.value.as_str()) == Some(system))
        .filter_map(|c| c.get("code").and_then(|s| s.value.as_str()))
        .find(|c| codes.contains(c))
}

pub(crate) fn required_profile(resource_type: &str, node: &Node<'_>) -> Option<Requirement> {
    if resource_type != "Observation" {
        return None;
    }
    let code = node.get("code")?;
    let by = |system: &str, system_name: &str, pick: fn(&Implied) -> &[&str]| {
        VITAL_SIGNS.iter().find_map(|v| {
            first_code(code, system, pick(v)).map(|c| Requirement {
                url: format!("{PREFIX}{}", v.profile),
                message: format!(
                    "Validate Observation against the {} profile ({PREFIX}{}) which is required by the FHIR specification because the {system_name} code {c} was found",
                    v.name, v.profile
                ),
            })
        })
    };
    by("http://loinc.org", "LOINC", |v| v.loinc)
        .or_else(|| by("http://snomed.info/sct", "SNOMED CT", |v| v.snomed))
}
