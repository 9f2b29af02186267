//! The message templates and their ids (data: one line a message; see the parent module).

use super::INVARIANT;

/// (template, id), in the order tried: a template is a message with `*` for each value (any
/// run of characters). A more specific template comes before a more general one.
pub const TEMPLATES: &[(&str, &str)] = &[
    // --- JSON syntax and structure
    (
        "Error parsing JSON: the primitive value must be a boolean",
        "Error_parsing_JSON_the_primitive_value_must_be_a_boolean",
    ),
    (
        "Error parsing JSON: the primitive value must be a number",
        "Error_parsing_JSON_the_primitive_value_must_be_a_number",
    ),
    (
        "Error parsing JSON: the primitive value must be a string",
        "Error_parsing_JSON_the_primitive_value_must_be_a_string",
    ),
    ("Error parsing JSON: *", "Error_parsing_JSON_"),
    ("Duplicate property '*'", "DUPLICATE_JSON_PROPERTY"),
    (
        "The JSON property '*' is a duplicate and will be ignored",
        "DUPLICATE_JSON_PROPERTY",
    ),
    (
        "The JSON property '*' has no quotes around the name*",
        "JSON_PROPERTY_NO_QUOTES",
    ),
    (
        "The JSON property '*' has no quotes around the value*",
        "JSON_PROPERTY_VALUE_NO_QUOTES",
    ),
    (
        "Comments are not allowed in JSON",
        "JSON_COMMENTS_NOT_ALLOWED",
    ),
    ("A Comma is missing in the JSON", "JSON_COMMA_MISSING"),
    (
        "There is an extra comma at the end of the * in the JSON",
        "JSON_COMMA_EXTRA",
    ),
    ("The property '*' is invalid", "ILLEGAL_PROPERTY"),
    ("Unrecognized property '*'", "Unrecognised_property_"),
    (
        "Array cannot be empty - the property*should not be present if it has no values",
        "ARRAY_CANNOT_BE_EMPTY",
    ),
    (
        "Object must have some content",
        "Object_must_have_some_content",
    ),
    (
        "This property must be an Object, not *",
        "This_property_must_be_an_object_not_",
    ),
    (
        "The property * must be a JSON Array, not *",
        "This_property_must_be_an_Array_not_",
    ),
    (
        "The base property * must be a JSON Array, not *",
        "This_base_property_must_be_an_Array_not_",
    ),
    (
        "The property * contains a null that has no extension*",
        "ELEMENT_CANNOT_BE_NULL",
    ),
    (
        "The property * must be *, not *",
        "This_property_must_be__not_",
    ),
    (
        "The value must be a JSON * for a *, not *",
        "UNRECOGNISED_PROPERTY_TYPE",
    ),
    // fhirval's own: `_name` arrays not aligned with their primitive arrays
    (
        "The property * has * entries but * has *: they must line up",
        "JSON_PRIMITIVE_ARRAY_MISALIGNED",
    ),
    // fhirval's own: a document root that is not an object
    (
        "A resource must be a JSON object, not *",
        "RESOURCE_NOT_JSON_OBJECT",
    ),
    (
        "Unable to find resourceType property",
        "Unable_to_find_resourceType_property",
    ),
    (
        "Unknown resource type '*': this is not a FHIR * resource",
        "This_does_not_appear_to_be_a_FHIR_resource_unknown_name_",
    ),
    // fhirval's own: a string with a lone UTF-16 surrogate escape
    (
        "The string contains an unpaired UTF-16 surrogate*",
        "UNICODE_UNPAIRED_SURROGATE",
    ),
    // fhirval's own: the cap on issues
    (
        "Too many issues: only the first * are reported",
        "TOO_MANY_ISSUES",
    ),
    // --- invariants
    ("Constraint failed: *", INVARIANT),
    // fhirval's own: an invariant whose expression failed to evaluate
    (
        "The invariant * could not be evaluated*",
        "INV_EVALUATION_ERROR",
    ),
    (
        "Error evaluating FHIRPath expression: The name '*' is not valid for any of the possible types*",
        "FHIRPATH_UNKNOWN_NAME",
    ),
    // --- cardinality, slicing, fixed values and patterns
    (
        "Slice '*': a matching slice is required, but not found*",
        "Validation_VAL_Profile_Minimum_SLICE",
    ),
    (
        "*: magic LOINC code * required, but not found*",
        "VALIDATION_VAL_PROFILE_MINIMUM_MAGIC",
    ),
    (
        "*: minimum required = *, but only found * (from *)",
        "Validation_VAL_Profile_Minimum",
    ),
    ("Does not match slice '*'*", "Does_not_match_slice_"),
    (
        "Details for * matching against profile *",
        "Details_for__matching_against_Profile_",
    ),
    (
        "The type of element * is not known*",
        "Validation_VAL_Profile_NoType",
    ),
    (
        "Slicing is not allowed at the root of a profile",
        "SD_NO_SLICING_ON_ROOT",
    ),
    (
        "*: max allowed = *, but found * (from *)",
        "Validation_VAL_Profile_Maximum",
    ),
    (
        "This element does not match any known slice defined in the profile * and slicing is CLOSED*",
        "Validation_VAL_Profile_NotSlice",
    ),
    (
        "This element does not match any known slice *",
        "This_element_does_not_match_any_known_slice_",
    ),
    (
        "As specified by profile *, Element '*' is out of order in ordered slice",
        "Validation_VAL_Profile_SliceOrder",
    ),
    (
        "As specified by profile *, Element '*' is out of order*",
        "Validation_VAL_Profile_OutOfOrder",
    ),
    (
        "Profile *, Element matches more than one slice*",
        "Validation_VAL_Profile_MatchMultiple",
    ),
    // fhirval's own: an open-at-end slicing with an item after the open part
    (
        "The slicing of * is open at the end, but this element matches a slice after one that did not",
        "VALIDATION_VAL_PROFILE_OPEN_AT_END",
    ),
    (
        "The discriminator path '*' does not appear to be valid*",
        "DISCRIMINATOR_BAD_PATH",
    ),
    (
        "Slicing cannot be evaluated: *",
        "SLICING_CANNOT_BE_EVALUATED",
    ),
    (
        "Value is * but is * to * in the profile*",
        "_DT_Fixed_Wrong",
    ),
    (
        "Missing element '*' - required by fixed value assigned in profile *",
        "Profile_VAL_MissingElement",
    ),
    (
        "The element * is present in the instance but not allowed in the applicable *",
        "Profile_VAL_NotAllowed",
    ),
    ("The pattern [system *", "TYPE_CHECKS_PATTERN_CC"),
    (
        "The pattern * defined in the profile * not found*",
        "PATTERN_CHECK_STRING",
    ),
    (
        "This element is not allowed by the profile *",
        "Validation_VAL_Profile_NotAllowed",
    ),
    // --- profiles
    (
        "Profile reference '*' names no version; * versions are loaded*",
        // fhirval's own: an unversioned profile with several versions loaded
        "VALIDATION_VAL_PROFILE_UNVERSIONED",
    ),
    (
        "Profile reference '*' has not been checked because version * is not loaded*",
        // fhirval's own: a versioned profile whose version is not loaded
        "VALIDATION_VAL_PROFILE_VERSION_NOT_LOADED",
    ),
    (
        "Profile reference '*' has not been checked because it could not be found in *",
        // fhirval's own: a profile of a dependency that is not at hand
        "VALIDATION_VAL_PROFILE_UNKNOWN_DEPENDENCY",
    ),
    (
        "Profile reference '*' has not been checked because it could not be found*",
        "Validation_VAL_Profile_Unknown",
    ),
    (
        "Profile '*' is for type * and cannot be used for a *",
        "Validation_VAL_Profile_WrongType",
    ),
    (
        "This is a * resource, but the profile * is for *",
        "Validation_VAL_Profile_WrongType",
    ),
    (
        "Profile '*' could not be found, so the element has not been checked against it",
        // fhirval's own: a type profile of an element that is not loaded
        "VALIDATION_VAL_PROFILE_TYPE_UNKNOWN",
    ),
    (
        "Validate Observation against the * profile (*) which is required by the FHIR specification*",
        "VALIDATION_VAL_PROFILE_SIGNPOST_OBS",
    ),
    (
        "Validate resource against profile * - a global profile in *",
        "VALIDATION_VAL_PROFILE_SIGNPOST_GLOBAL",
    ),
    (
        "Validate resource against profile * (per meta)",
        "VALIDATION_VAL_PROFILE_SIGNPOST_META",
    ),
    (
        "Validate resource against profile*",
        "VALIDATION_VAL_PROFILE_SIGNPOST",
    ),
    // fhirval's own: member-history (PDex) mode
    (
        "Member-history mode needs *",
        "MEMBER_HISTORY_NO_CAPABILITY",
    ),
    (
        "Member-history mode: none of the profiles *",
        "MEMBER_HISTORY_NO_PROFILE_APPLIES",
    ),
    (
        "Member-history mode: validated against *",
        "MEMBER_HISTORY_VALIDATED",
    ),
    // --- extensions
    (
        "The extension * could not be found so is not allowed here",
        "Extension_EXT_Unknown_NotHere",
    ),
    (
        "The extension * could not be found in *; the IG depends on *",
        // fhirval's own: an extension of a dependency that is not at hand
        "EXTENSION_EXT_UNKNOWN_DEPENDENCY",
    ),
    ("Unknown extension *", "Extension_EXT_Unknown"),
    (
        "The extension * is not allowed to be used at this point*",
        "Extension_EXTP_Context_Wrong",
    ),
    (
        "The modifier extension * is not allowed to be used at this point*",
        "Extension_EXTM_Context_Wrong",
    ),
    (
        "The Extension '*' definition allows for the type*",
        "Extension_EXT_Type",
    ),
    (
        "The Profile '*' definition allows for the type*",
        "Extension_PROF_Type",
    ),
    (
        "The Extension '*' must not be used as a modifierExtension*",
        "Extension_EXT_Modifier_Y",
    ),
    (
        "The Extension '*' must not be used as an extension*",
        "Extension_EXT_Modifier_N",
    ),
    (
        "The Extension '*' definition is for a simple extension, so it must contain a value, not extensions",
        "Extension_EXT_Simple_WRONG",
    ),
    (
        "The Extension '*' definition is for a simple extension, so it must contain a value",
        "Extension_EXT_Simple_ABSENT",
    ),
    (
        "Sub-extension url '*' is not defined by the Extension *",
        "Extension_EXT_SubExtension_Invalid",
    ),
    ("Extension.url is required*", "Extension_EXT_Url_NotFound"),
    (
        "Extension.url must be an absolute URL",
        "Extension_EXT_URL_Absolute",
    ),
    // fhirval's own: an extension URL naming a StructureDefinition that is not an extension
    (
        "The URL * does not name an extension definition",
        "EXTENSION_EXT_NOT_EXTENSION",
    ),
    // --- references and Bundles
    (
        "Unable to resolve resource with reference '*'",
        "Reference_REF_CantResolve",
    ),
    (
        "Unable to resolve the profile reference '*'",
        "Reference_REF_CantResolveProfile",
    ),
    (
        "Invalid Resource target type. Found *, but expected one of (*)",
        "Reference_REF_BadTargetType",
    ),
    (
        "The type '*' implied by the reference URL * is not a valid Target for this element*",
        "Reference_REF_BadTargetType2",
    ),
    (
        "The type '*' is not a valid Target for this element*",
        "Reference_REF_WrongTarget",
    ),
    (
        "Unable to find a profile match for * among choices: *",
        "Reference_REF_CantMatchChoice",
    ),
    (
        "Found multiple matching profiles for * among choices: *",
        "Reference_REF_MultipleMatches",
    ),
    (
        "A Reference without an actual reference or identifier should have a display",
        "Reference_REF_NoDisplay",
    ),
    (
        "Relative URLs must be of the format [ResourceName]/[id]*",
        "Reference_REF_Format2",
    ),
    (
        "The syntax of the reference '*' looks incorrect, and it should be checked",
        "REFERENCE_REF_SUSPICIOUS",
    ),
    // fhirval's own: a relative reference to an unknown resource type
    (
        "The reference '*' names an unknown resource type '*'",
        "REFERENCE_REF_UNKNOWN_TYPE",
    ),
    (
        "URN reference is not locally contained within the bundle *",
        "Bundle_BUNDLE_Not_Local",
    ),
    (
        "Entry * matches the reference * by type and id but its fullUrl <missing> does not match*",
        "BUNDLE_BUNDLE_POSSIBLE_MATCH_NO_FU",
    ),
    (
        "Entry * matches the reference * by type and id but its fullUrl * does not match*",
        "BUNDLE_BUNDLE_POSSIBLE_MATCH_WRONG_FU",
    ),
    (
        "The URL '*' cannot be resolved unless the fullURL is a RESTFul base URL*",
        // fhirval's own: a relative reference in a Bundle without a RESTful fullUrl
        "BUNDLE_BUNDLE_RELATIVE_UNRESOLVABLE",
    ),
    (
        "Can't find '*' in the bundle*",
        "Bundle_BUNDLE_Entry_NotFound",
    ),
    (
        "Multiple matches in bundle for reference *",
        "Bundle_BUNDLE_MultipleMatches",
    ),
    (
        "The bundle contains no match for * by the rules of Bundle reference resolution, but it has multiple*",
        "BUNDLE_POSSSIBLE_MATCHES",
    ),
    (
        "Bundled or contained reference not found within the bundle/resource *",
        "Reference_REF_NotFound_Bundle",
    ),
    (
        "The contained resource '*' is not referenced to from elsewhere in the containing resource*",
        "CONTAINED_ORPHAN_DOM3",
    ),
    (
        "Entry * isn't reachable by traversing forwards from the Composition. Only Provenance*",
        "BUNDLE_BUNDLE_ENTRY_REVERSE_R4",
    ),
    (
        "Entry * isn't reachable by traversing links (forward or backward) from the Composition",
        "Bundle_BUNDLE_Entry_Orphan_DOCUMENT",
    ),
    (
        "Found * matches for '*' in the bundle*",
        "BUNDLE_BUNDLE_ENTRY_FOUND_MULTIPLE",
    ),
    (
        "Except for transactions and batches, each entry in a Bundle must have a fullUrl*",
        "BUNDLE_BUNDLE_ENTRY_FULLURL_REQUIRED",
    ),
    (
        "Bundle entry missing fullUrl",
        "Bundle_BUNDLE_Entry_NoFullUrl",
    ),
    (
        "Documents or Messages must contain at least one entry",
        "Bundle_BUNDLE_Entry_NoFirst",
    ),
    (
        "The first entry in a document or message must have a resource",
        "Bundle_BUNDLE_Entry_NoFirstResource",
    ),
    (
        "The first entry in a message must be a *",
        "Validation_BUNDLE_Message",
    ),
    (
        "The first entry in a * must be a *",
        "Bundle_BUNDLE_Entry_Document",
    ),
    (
        "The fullUrl '*' looks like a RESTful server URL, but the resource has no id",
        "BUNDLE_ENTRY_URL_MATCHES_NO_ID",
    ),
    (
        "The fullUrl '*' looks like a RESTful server URL, so it must end with the correct type and id*",
        "BUNDLE_ENTRY_URL_MATCHES_TYPE_ID",
    ),
    (
        "The fullUrl must be an absolute URL*",
        "BUNDLE_ENTRY_URL_ABSOLUTE",
    ),
    (
        "Resource ID does not match the ID in the entry fullUrl*",
        "Bundle_BUNDLE_Entry_IdUrlMismatch",
    ),
    (
        "The link relationship type '*' can only occur once",
        "BUNDLE_LINK_SEARCH_NO_DUPLICATES",
    ),
    (
        "The link relation* '*' is not allowed*",
        "BUNDLE_LINK_UNKNOWN",
    ),
    (
        "SearchSet Bundles should have a self link that specifies what the search was",
        "BUNDLE_SEARCH_NOSELF",
    ),
    (
        "SearchSet bundles should have search modes on the entries",
        "BUNDLE_SEARCH_NO_MODE",
    ),
    (
        "Search results * must have ids",
        "BUNDLE_SEARCH_ENTRY_NO_RESOURCE_ID",
    ),
    (
        "An entry in mode outcome must be an OperationOutcome*",
        "BUNDLE_SEARCH_ENTRY_WRONG_RESOURCE_TYPE_OUTCOME",
    ),
    (
        "The resource type * is not among the searched types*",
        "BUNDLE_SEARCH_ENTRY_WRONG_RESOURCE_TYPE_MODE",
    ),
    // --- resource ids and primitive values
    (
        "Invalid Resource id: Too long*",
        "Resource_RES_ID_Malformed_Length",
    ),
    (
        "Invalid Resource id: Invalid Characters*",
        "Resource_RES_ID_Malformed_Chars",
    ),
    (
        "Resource requires an id, but none is present",
        "Resource_RES_ID_Missing",
    ),
    (
        "Resource has an id, but none is allowed",
        "Resource_RES_ID_Prohibited",
    ),
    (
        "Boolean values must be 'true' or 'false'",
        "Type_Specific_Checks_DT_Boolean_Value",
    ),
    (
        "The code '*' is not valid (whitespace rules)",
        "Type_Specific_Checks_DT_Code_WS",
    ),
    (
        "Not a valid date/time*",
        "Type_Specific_Checks_DT_DateTime_Valid",
    ),
    ("Not a valid date*", "Type_Specific_Checks_DT_Date_Valid"),
    (
        "Not a valid instant*",
        "Type_Specific_Checks_DT_Instant_Valid",
    ),
    ("Not a valid time*", "Type_Specific_Checks_DT_Time_Valid"),
    (
        "The time '*' is not a valid time",
        "Type_Specific_Checks_DT_Time_Valid",
    ),
    (
        "The instant '*' is not valid (by regex)",
        "Type_Specific_Checks_DT_DateTime_Regex",
    ),
    (
        "If a date has a time, it must have a timezone",
        "Type_Specific_Checks_DT_DateTime_TZ",
    ),
    (
        "The value '*' is outside the range of reasonable years*",
        "Type_Specific_Checks_DT_DateTime_Reasonable",
    ),
    (
        "The value '*' is outside the range of commonly/reasonably supported decimals",
        "Type_Specific_Checks_DT_Decimal_Range",
    ),
    (
        "The value '*' is not a valid decimal",
        "Type_Specific_Checks_DT_Decimal_Valid",
    ),
    (
        "The value '*' is not a valid integer64",
        "Type_Specific_Checks_DT_Integer64_Valid",
    ),
    (
        "The value '*' is not a valid integer",
        "Type_Specific_Checks_DT_Integer_Valid",
    ),
    (
        "The value '*' is not a valid Base64 value",
        "Type_Specific_Checks_DT_Base64_Valid",
    ),
    (
        "The base64 content in the data element is not valid base64*",
        "Type_Specific_Checks_DT_Base64_Valid",
    ),
    (
        "Base64 encoded values are not allowed to contain any whitespace*",
        "TYPE_SPECIFIC_CHECKS_DT_BASE64_NO_WS_ERROR",
    ),
    (
        "Base64 encoded values SHOULD not contain any whitespace*",
        "TYPE_SPECIFIC_CHECKS_DT_BASE64_NO_WS_WARNING",
    ),
    (
        "value is greater than permitted maximum value of *",
        "Type_Specific_Checks_DT_Integer_GT",
    ),
    (
        "value is less than permitted minimum value of *",
        "Type_Specific_Checks_DT_Integer_LT",
    ),
    (
        "value is longer than permitted maximum length of 1 MB*",
        "Type_Specific_Checks_DT_String_Length",
    ),
    (
        "value is longer than permitted maximum length of *",
        "Type_Specific_Checks_DT_Primitive_Length",
    ),
    (
        "The value '*' exceeds the allowed maximum length of *",
        "Type_Specific_Checks_DT_Primitive_Length",
    ),
    (
        "value cannot be empty",
        "Type_Specific_Checks_DT_Primitive_NotEmpty",
    ),
    (
        "value should not be all whitespace*",
        "Type_Specific_Checks_DT_String_WS_ALL",
    ),
    (
        "value should not start or finish with whitespace*",
        "Type_Specific_Checks_DT_String_WS",
    ),
    (
        "Primitive types should not only be whitespace",
        "Type_Specific_Checks_DT_Primitive_WS",
    ),
    (
        "Primitive types must have a value or must have child extensions",
        "Type_Specific_Checks_DT_Primitive_ValueExt",
    ),
    (
        "Element value '*' does not meet * regex*",
        "Type_Specific_Checks_DT_Primitive_Regex_Type",
    ),
    (
        "id value '*' is not valid",
        "Type_Specific_Checks_DT_ID_Valid",
    ),
    (
        "OIDs must start with urn:oid:",
        "Type_Specific_Checks_DT_OID_Start",
    ),
    ("OIDs must be valid*", "Type_Specific_Checks_DT_OID_Valid"),
    (
        "UUIDs must start with urn:uuid:",
        "Type_Specific_Checks_DT_UUID_Strat",
    ),
    ("UUIDs must be valid*", "Type_Specific_Checks_DT_UUID_Valid"),
    (
        "URI values cannot start with oid:",
        "Type_Specific_Checks_DT_URI_OID",
    ),
    (
        "URI values cannot start with uuid:",
        "Type_Specific_Checks_DT_URI_UUID",
    ),
    (
        "URI values cannot have whitespace*",
        "Type_Specific_Checks_DT_URI_WS",
    ),
    (
        "Canonical URLs must be absolute URLs if they are not fragment references*",
        "TYPE_SPECIFIC_CHECKS_CANONICAL_ABSOLUTE",
    ),
    (
        "Canonical URLs in contained resources must be absolute URLs if present*",
        "TYPE_SPECIFIC_CHECKS_CANONICAL_CONTAINED",
    ),
    (
        "Example URLs are not allowed in this context*",
        "TYPE_SPECIFIC_CHECKS_DT_URL_EXAMPLE",
    ),
    (
        "Identifier.system must be an absolute reference, not a local reference",
        "Type_Specific_Checks_DT_Identifier_System",
    ),
    (
        "if identifier.system is 'urn:ietf:rfc:3986', then the identifier.value must be a full URI*",
        "TYPE_SPECIFIC_CHECKS_DT_IDENTIFIER_IETF_SYSTEM_VALUE",
    ),
    (
        "Coding.system must be an absolute reference, not a local reference",
        "Terminology_TX_System_Relative",
    ),
    (
        "The markdown contains content that appears to be an embedded HTML tag*",
        "TYPE_SPECIFIC_CHECKS_DT_MARKDOWN_HTML",
    ),
    (
        "The string value contains text that looks like embedded HTML tags, which are not allowed*",
        "SECURITY_STRING_CONTENT_ERROR",
    ),
    (
        "The string value contains text that looks like embedded HTML tags. *",
        "SECURITY_STRING_CONTENT_WARNING",
    ),
    (
        "The Unicode sequence has unterminated bi-di control characters*",
        "UNICODE_BIDI_CONTROLS_CHARS_MATCH",
    ),
    (
        "The Unicode sequence has bi-di control characters which are not allowed*",
        "UNICODE_BIDI_CONTROLS_CHARS_DISALLOWED",
    ),
    (
        "This content includes the character*",
        "UNICODE_XML_BAD_CHARS",
    ),
    (
        "Found * decimal places which exceeds the stated limit of * digits",
        "TYPE_SPECIFIC_CHECKS_DT_DECIMAL_CHARS",
    ),
    (
        "Stated Attachment Size * is not valid",
        "TYPE_SPECIFIC_CHECKS_DT_ATT_SIZE_INVALID",
    ),
    (
        "Stated Attachment Size * does not match actual attachment size *",
        "TYPE_SPECIFIC_CHECKS_DT_ATT_SIZE_CORRECT",
    ),
    (
        "Attachment size is * bytes which exceeds the stated limit of * bytes",
        "TYPE_SPECIFIC_CHECKS_DT_ATT_TOO_LONG",
    ),
    (
        "Base64 size is * bytes which exceeds the stated limit of * bytes",
        "TYPE_SPECIFIC_CHECKS_DT_BASE64_TOO_LONG",
    ),
    (
        "UCUM Codes that contain human readable annotations like * SHOULD contain the annotation (it does not)",
        "TYPE_SPECIFIC_CHECKS_DT_QTY_UCUM_ANNOTATIONS_NOT_IN_UNIT",
    ),
    (
        "UCUM Codes that contain human readable annotations like * SHOULD contain the annotation",
        "TYPE_SPECIFIC_CHECKS_DT_QTY_UCUM_ANNOTATIONS_NO_UNIT",
    ),
    (
        "UCUM Codes that contain human readable annotations like *",
        "TYPE_SPECIFIC_CHECKS_DT_QTY_UCUM_ANNOTATIONS",
    ),
    (
        "The value in the instance * is greater than the specified * after UCUM conversion",
        "TYPE_SPECIFIC_CHECKS_DT_QTY_MAX_VALUE_WRONG_UCUM",
    ),
    (
        "The value in the instance * is less than the specified * after UCUM conversion",
        "TYPE_SPECIFIC_CHECKS_DT_QTY_MIN_VALUE_WRONG_UCUM",
    ),
    (
        "The value in the instance (*) is greater than the specified maximum value (*)",
        "TYPE_SPECIFIC_CHECKS_DT_QTY_MAX_VALUE_WRONG",
    ),
    (
        "The value in the instance (*) is less than the specified minimum value (*)",
        "TYPE_SPECIFIC_CHECKS_DT_QTY_MIN_VALUE_WRONG",
    ),
    (
        "Best Practice Recommendation: In general, all observations should have an effective*",
        "All_observations_should_have_an_effectiveDateTime_or_an_effectivePeriod",
    ),
    (
        "Best Practice Recommendation: In general, all observations should have a performer",
        "All_observations_should_have_a_performer",
    ),
    (
        "Best Practice Recommendation: In general, all observations should have a subject",
        "All_observations_should_have_a_subject",
    ),
    // --- narrative (XHTML)
    (
        "Error parsing XHTML: *Found a DocType declaration*",
        "XHTML_XHTML_DOCTYPE_ILLEGAL",
    ),
    (
        "Malformed XHTML: Found a DocType declaration*",
        "XHTML_XHTML_DOCTYPE_ILLEGAL",
    ),
    ("Error parsing XHTML: *", "Error_parsing_XHTML_"),
    (
        "Invalid attribute name in the XHTML (*",
        "XHTML_XHTML_Attribute_Illegal",
    ),
    (
        "Invalid element name inside a paragraph in the XHTML (*",
        "XHTML_XHTML_ELEMENT_ILLEGAL_IN_PARA",
    ),
    (
        "Invalid element name in the XHTML (*",
        "XHTML_XHTML_Element_Illegal",
    ),
    (
        "Invalid entity in the XHTML (*",
        "XHTML_XHTML_Entity_Illegal",
    ),
    ("Wrong namespace on the XHTML (*", "XHTML_XHTML_NS_InValid"),
    ("Wrong name on the XHTML (*", "XHTML_XHTML_Name_Invalid"),
    (
        "Hyperlink '*' at '*' for '*' does not resolve",
        "Type_Specific_Checks_DT_XHTML_Resolve",
    ),
    (
        "Image source '*' at '*' does not resolve",
        "Type_Specific_Checks_DT_XHTML_Resolve_Img",
    ),
    (
        "The target of the HTML idref attribute '*' was not found in the resource",
        "XHTML_IDREF_NOT_FOUND",
    ),
    // fhirval's own: the HTML content model of the narrative
    (
        "Elements of type * cannot contain other elements of type *",
        "XHTML_ELEMENT_NESTED",
    ),
    (
        "Elements of type * cannot have children*",
        "XHTML_ELEMENT_NO_CHILDREN",
    ),
    (
        "Elements of type * must be in a *",
        "XHTML_ELEMENT_WRONG_PARENT",
    ),
    (
        "Elements of type * cannot have the following children: *",
        "XHTML_ELEMENT_ILLEGAL_CHILDREN",
    ),
    (
        "Found block structures inside a paragraph/text element *",
        "XHTML_BLOCK_IN_PARA",
    ),
    ("Duplicate ids found in the XHTML: *", "XHTML_DUPLICATE_IDS"),
    ("Not a valid Unicode code point*", "XHTML_BAD_CODE_POINT"),
    (
        "Invalid literal declaration following text*",
        "XHTML_BAD_LITERAL",
    ),
    (
        "Too many XHTML issues; only the first * are reported",
        "XHTML_TOO_MANY_ISSUES",
    ),
    // --- terminology (the engine's issues carry Java's id as their key; these are the rest)
    (
        "ValueSet '*' is not loaded*",
        "Terminology_TX_ValueSet_NotFound",
    ),
    (
        "ValueSet '*' not found*",
        "Terminology_TX_ValueSet_NotFound",
    ),
    (
        "None of the codings provided are in the value set *, and a coding from this value set is required*",
        "Terminology_TX_NoValid_1_CC",
    ),
    (
        "None of the codings provided are in the value set *, and a coding should come from this value set unless*",
        "Terminology_TX_NoValid_2_CC",
    ),
    (
        "None of the codings provided are in the value set *, and a coding is recommended*",
        "Terminology_TX_NoValid_3_CC",
    ),
    (
        "None of the codes provided are in the maximum value set *",
        "Terminology_TX_NoValid_8",
    ),
    (
        "The code provided (*) was not found in the value set *, and a code from this value set is required*",
        "Terminology_TX_Confirm_4a",
    ),
    (
        "The codes provided (*) are not in the value set *, and a code from this value set is required*",
        "Terminology_TX_Confirm_4b",
    ),
    (
        "The code provided (*) is not in the value set *, and a code should come from this value set unless*",
        "Terminology_TX_Confirm_5",
    ),
    (
        "The code provided (*) is not in the value set *, and a code is recommended*",
        "Terminology_TX_Confirm_6",
    ),
    (
        "The Coding provided (*) was not found in the value set *, and a code is required from this value set*",
        "Terminology_TX_NoValid_12",
    ),
    (
        "The Coding provided (*) was not found in the value set *, and a code should come from this value set unless*",
        "Terminology_TX_NoValid_13",
    ),
    (
        "The Coding provided (*) was not found in the value set *, and a code is recommended*",
        "Terminology_TX_NoValid_14",
    ),
    (
        "The value provided ('*') could not be validated*",
        "Terminology_TX_NoValid_15",
    ),
    (
        "The value provided ('*') was not found in the value set *, and a code is required*",
        "Terminology_TX_NoValid_16",
    ),
    (
        "The value provided ('*') was not found in the value set *, and a code should come from this value set unless*",
        "Terminology_TX_NoValid_17",
    ),
    (
        "The value provided ('*') was not found in the value set *, and a code is recommended*",
        "Terminology_TX_NoValid_18",
    ),
    (
        "No code provided, and a code must be provided from the value set * (max value set *",
        "Terminology_TX_Code_ValueSetMax",
    ),
    (
        "No code provided, and a code is required from the value set*",
        "Terminology_TX_Code_ValueSet",
    ),
    (
        "No code provided, and a code should be provided from the value set*",
        "Terminology_TX_Code_ValueSet_Ext",
    ),
    (
        "Coding has no system*",
        "Coding_has_no_system__cannot_validate",
    ),
    (
        "The System URI could not be determined for the code '*' in the ValueSet '*'*",
        "UNABLE_TO_INFER_CODESYSTEM",
    ),
    (
        "A definition for CodeSystem '*' could not be found*",
        "UNKNOWN_CODESYSTEM",
    ),
    (
        "A definition for the value Set '*' could not be found",
        "Unable_to_resolve_value_Set_",
    ),
    (
        "Wrong whitespace in Display Name '*' for *",
        "Display_Name_WS_for__should_be_one_of__instead_of",
    ),
    (
        "Wrong Display Name '*' for *",
        "Display_Name_for__should_be_one_of__instead_of",
    ),
    (
        "The provided code * was not found in the value set*",
        "None_of_the_provided_codes_are_in_the_value_set",
    ),
    (
        "Unable to check whether the code is in the value set '*' because the code system * was not found",
        "UNABLE_TO_CHECK_IF_THE_PROVIDED_CODES_ARE_IN_THE_VALUE_SET_CS",
    ),
    (
        "Unable to check whether the code is in the value set '*' because the value set * was not found",
        "UNABLE_TO_CHECK_IF_THE_PROVIDED_CODES_ARE_IN_THE_VALUE_SET_VS",
    ),
    (
        "Unable to check whether the code is in the value set '*'",
        "UNABLE_TO_CHECK_IF_THE_PROVIDED_CODES_ARE_IN_THE_VALUE_SET",
    ),
    ("Reference to experimental *", "MSG_EXPERIMENTAL"),
    ("Reference to draft *", "MSG_DRAFT"),
    ("Reference to retired *", "MSG_RETIRED"),
    ("Reference to deprecated *", "MSG_DEPRECATED"),
    ("Reference to withdrawn *", "MSG_WITHDRAWN"),
    (
        "The code * was not checked offline*",
        "TX_NOT_CHECKED_OFFLINE",
    ),
    (
        "Unknown code '*' in the CodeSystem '*' version '*'",
        "Unknown_Code_in_Version",
    ),
    ("Unknown code '*' in the CodeSystem '*'", "Unknown_Code_in"),
    (
        "A code with no system has no defined meaning*",
        "TERMINOLOGY_TX_SYSTEM_NO_CODE",
    ),
    // --- Questionnaire / QuestionnaireResponse
    ("No questionnaire is identified*", "Questionnaire_QR_Q_None"),
    (
        "The questionnaire '*' referred to in the derivation could not be found",
        "QUESTIONNAIRE_Q_UNKNOWN_DERIVATION",
    ),
    (
        "The questionnaire '*' could not be resolved*",
        "Questionnaire_QR_Q_NotFound",
    ),
    (
        "Definition for item * does not contain a type",
        "Questionnaire_QR_Item_NoType",
    ),
    (
        "If text exists, it must match the questionnaire definition for linkId *",
        "Questionnaire_QR_Item_Text",
    ),
    (
        "Item has answer, even though it is not enabled*",
        "Questionnaire_QR_Item_NotEnabled2",
    ),
    (
        "Items not of type DISPLAY should not have items*",
        "Questionnaire_QR_Item_Display",
    ),
    (
        "Items not of type group should not have items outside answers*",
        "Questionnaire_QR_Item_GroupAnswer",
    ),
    (
        "Items of type group should not have answers",
        "Questionnaire_QR_Item_Group",
    ),
    (
        "LinkId '*' not found in questionnaire",
        "Questionnaire_QR_Item_NotFound",
    ),
    (
        "No LinkId, so can't be validated",
        "Questionnaire_QR_Item_NoLinkId",
    ),
    (
        "No response answer found for required item *",
        "Questionnaire_QR_Item_Missing",
    ),
    (
        "Only one response answer item with this linkId allowed",
        "Questionnaire_QR_Item_OnlyOneA",
    ),
    (
        "Only one response item with * allowed*",
        "Questionnaire_QR_Item_OnlyOneI",
    ),
    (
        "Option list has no option values of type coding",
        "Questionnaire_QR_Item_NoOptionsCoding",
    ),
    (
        "Option list has no option values of type *",
        "Questionnaire_QR_Item_NoOptions",
    ),
    (
        "Structural Error: items are out of order",
        "Questionnaire_QR_Item_Order",
    ),
    // fhirval's own: an item at the wrong level of the questionnaire's tree
    (
        "Structural Error: item with linkid * is in the wrong place",
        "QUESTIONNAIRE_QR_ITEM_WRONG_PLACE",
    ),
    (
        "The code *::* is not a valid option",
        "Questionnaire_QR_Item_NoCoding",
    ),
    (
        "Answer value must be one of the * types *",
        "Questionnaire_QR_Item_WrongType",
    ),
    (
        "Answer value must be one of the types *",
        "Questionnaire_QR_Item_WrongType",
    ),
    (
        "Answer value must be of *type *",
        "Questionnaire_QR_Item_WrongType",
    ),
    // --- Measure / MeasureReport
    ("No Measure is identified*", "Measure_MR_M_None"),
    (
        "The Measure '*' could not be resolved*",
        "Measure_MR_M_NotFound",
    ),
    (
        "Group should have a code that matches the group population definition*",
        "MEASURE_MR_GRP_POP_NO_CODE",
    ),
    (
        "Group should have a code that matches the group * definition*",
        "MEASURE_MR_GRP_NO_CODE",
    ),
    (
        "The MeasureReport does not include a group for the group *",
        "MEASURE_MR_GRP_MISSING_BY_CODE",
    ),
    (
        "The MeasureReport does not include a *",
        "MEASURE_MR_GRP_POP_MISSING_BY_CODE",
    ),
    (
        "The code for this group (*) does not match the code in the Measure*",
        "MEASURE_MR_GRP_NO_WRONG_CODE",
    ),
    (
        "The code for this group has no match in the Measure definition",
        "MEASURE_MR_GRP_UNK_CODE",
    ),
    (
        "The code for this * has no match in the Measure definition",
        "MEASURE_MR_GRP_POP_UNK_CODE",
    ),
    (
        "The code for this group is duplicated with another group",
        "MEASURE_MR_GRP_DUPL_CODE",
    ),
    (
        "The code for this * is duplicated with another *",
        "MEASURE_MR_GRP_POP_DUPL_CODE",
    ),
    (
        "A measureScore for this Measure Scoring * should not have units",
        "MEASURE_MR_SCORE_UNIT_PROHIBITED",
    ),
    (
        "A measureScore is required when the Measure.scoring*",
        "MEASURE_MR_SCORE_REQUIRED",
    ),
    (
        "A value is required when the Measure.scoring*",
        "MEASURE_MR_SCORE_VALUE_REQUIRED",
    ),
    (
        "No measureScore when the type of the report is *",
        "MEASURE_MR_SCORE_PROHIBITED_RT",
    ),
    (
        "No measureScore when the scoring of the message is *",
        "MEASURE_MR_SCORE_PROHIBITED_MS",
    ),
    (
        "The value of the measureScore must be between 0 and 1",
        "MEASURE_MR_SCORE_VALUE_INVALID_01",
    ),
    (
        "The value is invalid - it must be between 0 and 1",
        "MEASURE_MR_SCORE_VALUE_INVALID_01",
    ),
    (
        "This value is fixed by the Measure to *",
        "MEASURE_MR_SCORE_FIXED",
    ),
    (
        "A unit should be present when the scoring type is *",
        "MEASURE_MR_SCORE_UNIT_REQUIRED",
    ),
    (
        "Mismatch between count * and number of subjects *",
        "MEASURE_MR_GRP_POP_COUNT_MISMATCH",
    ),
    // --- conformance resources (SearchParameter, StructureDefinition)
    ("Error generating Snapshot: *", "ERROR_GENERATING_SNAPSHOT"),
    (
        "Error in search expression '*': *",
        "ED_SEARCH_EXPRESSION_ERROR",
    ),
    (
        "The resource type * is not listed as a base in the SearchParameter this is derived from*",
        "SEARCHPARAMETER_BASE_WRONG",
    ),
    (
        "The type * is different to the type * in the derivedFrom SearchParameter",
        "SEARCHPARAMETER_TYPE_WRONG",
    ),
    (
        "The expression '*' is not compatible with the expression '*' in the derivedFrom SearchParameter*",
        "SEARCHPARAMETER_EXP_WRONG",
    ),
    (
        "Type mismatch - SearchParameter '*' type is *, but type here is *",
        "CapabalityStatement_CS_SP_WrongType",
    ),
    (
        "When the SearchParameter has a type of 'composite'*",
        "SEARCHPARAMETER_MISSING_COMPONENTS",
    ),
    (
        "Unable to find the base Search Parameter *",
        "SEARCHPARAMETER_NOTFOUND",
    ),
];
