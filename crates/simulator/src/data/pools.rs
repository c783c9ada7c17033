//! Word lists the generator draws from. A few names carry non-ASCII letters and
//! apostrophes on purpose: a mirror must store them unchanged.

/// (display form, e-mail-safe form)
pub(super) const FIRST_NAMES: &[(&str, &str)] = &[
    ("James", "james"),
    ("Mary", "mary"),
    ("Robert", "robert"),
    ("Patricia", "patricia"),
    ("John", "john"),
    ("Jennifer", "jennifer"),
    ("Michael", "michael"),
    ("Linda", "linda"),
    ("David", "david"),
    ("Elizabeth", "elizabeth"),
    ("William", "william"),
    ("Barbara", "barbara"),
    ("Richard", "richard"),
    ("Susan", "susan"),
    ("Joseph", "joseph"),
    ("Jessica", "jessica"),
    ("Thomas", "thomas"),
    ("Sarah", "sarah"),
    ("Charles", "charles"),
    ("Karen", "karen"),
    ("Daniel", "daniel"),
    ("Nancy", "nancy"),
    ("Matthew", "matthew"),
    ("Lisa", "lisa"),
    ("Anthony", "anthony"),
    ("Betty", "betty"),
    ("Mark", "mark"),
    ("Sandra", "sandra"),
    ("Steven", "steven"),
    ("Ashley", "ashley"),
    ("Andrew", "andrew"),
    ("Emily", "emily"),
    ("Joshua", "joshua"),
    ("Michelle", "michelle"),
    ("Kevin", "kevin"),
    ("Amanda", "amanda"),
    ("Brian", "brian"),
    ("Melissa", "melissa"),
    ("George", "george"),
    ("Stephanie", "stephanie"),
    ("Timothy", "timothy"),
    ("Rebecca", "rebecca"),
    ("Aisha", "aisha"),
    ("Wei", "wei"),
    ("Hiroshi", "hiroshi"),
    ("Priya", "priya"),
    ("Olusegun", "olusegun"),
    ("Mateo", "mateo"),
    ("José", "jose"),
    ("Zoë", "zoe"),
    ("Łukasz", "lukasz"),
    ("Søren", "soren"),
    ("François", "francois"),
    ("Anaïs", "anais"),
    ("Björn", "bjorn"),
    ("Siobhán", "siobhan"),
];

pub(super) const LAST_NAMES: &[(&str, &str)] = &[
    ("Smith", "smith"),
    ("Johnson", "johnson"),
    ("Williams", "williams"),
    ("Brown", "brown"),
    ("Jones", "jones"),
    ("Garcia", "garcia"),
    ("Miller", "miller"),
    ("Davis", "davis"),
    ("Rodriguez", "rodriguez"),
    ("Martinez", "martinez"),
    ("Hernandez", "hernandez"),
    ("Lopez", "lopez"),
    ("Gonzalez", "gonzalez"),
    ("Wilson", "wilson"),
    ("Anderson", "anderson"),
    ("Thomas", "thomas"),
    ("Taylor", "taylor"),
    ("Moore", "moore"),
    ("Jackson", "jackson"),
    ("Martin", "martin"),
    ("Lee", "lee"),
    ("Perez", "perez"),
    ("Thompson", "thompson"),
    ("White", "white"),
    ("Harris", "harris"),
    ("Sanchez", "sanchez"),
    ("Clark", "clark"),
    ("Ramirez", "ramirez"),
    ("Lewis", "lewis"),
    ("Robinson", "robinson"),
    ("Walker", "walker"),
    ("Young", "young"),
    ("Allen", "allen"),
    ("King", "king"),
    ("Wright", "wright"),
    ("Scott", "scott"),
    ("Torres", "torres"),
    ("Nguyen", "nguyen"),
    ("Hill", "hill"),
    ("Flores", "flores"),
    ("Green", "green"),
    ("Adams", "adams"),
    ("Nakamura", "nakamura"),
    ("Okafor", "okafor"),
    ("Patel", "patel"),
    ("Chen", "chen"),
    ("O'Brien", "obrien"),
    ("O'Connor", "oconnor"),
    ("Müller", "muller"),
    ("Nørgaard", "norgaard"),
    ("Dubois", "dubois"),
    ("Kowalski", "kowalski"),
    ("García-Márquez", "garcia-marquez"),
    ("van der Berg", "vanderberg"),
];

pub(super) const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    "mail.example.com",
    "shop.example.org",
];

pub(super) const COMPANIES: &[&str] = &[
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Ltd",
    "Hooli",
    "Stark Industries",
    "Wayne Enterprises",
    "Wonka Confectionery",
    "Cyberdyne Systems",
    "Soylent Co",
    "Vandelay Industries",
    "Pied Piper",
    "Dunder Mifflin",
    "Monsters, Inc.",
    "Tyrell Corp",
    "Bluth Company",
    "Prestige Worldwide",
];

pub(super) const NOTES: &[&str] = &[
    "VIP customer",
    "Prefers e-mail contact",
    "Wholesale inquiry pending",
    "Asked about bulk discounts",
    "Do not call before 10am",
    "Returned two orders in 2023",
    "Tax-exempt certificate on file",
    "Line one\nLine two, with a \"quote\"",
];

pub(super) const STREETS: &[&str] = &[
    "Main Street",
    "Oak Avenue",
    "Maple Drive",
    "Cedar Lane",
    "Pine Road",
    "Elm Street",
    "Washington Blvd",
    "Lake View Terrace",
    "Sunset Boulevard",
    "Market Street",
    "Rue de la Paix",
    "Königsallee",
    "High Street",
    "Church Road",
];

/// (city, state or province, postal code, country code)
pub(super) const PLACES: &[(&str, &str, &str, &str)] = &[
    ("Austin", "Texas", "78759", "US"),
    ("San Francisco", "California", "94105", "US"),
    ("New York", "New York", "10001", "US"),
    ("Chicago", "Illinois", "60601", "US"),
    ("Seattle", "Washington", "98101", "US"),
    ("Miami", "Florida", "33101", "US"),
    ("Akron", "Ohio", "44325", "US"),
    ("Toronto", "Ontario", "M5H 2N2", "CA"),
    ("Vancouver", "British Columbia", "V6B 1A1", "CA"),
    ("London", "", "SW1A 1AA", "GB"),
    ("Manchester", "", "M1 1AE", "GB"),
    ("Sydney", "New South Wales", "2000", "AU"),
    ("Berlin", "Berlin", "10115", "DE"),
    ("Düsseldorf", "Nordrhein-Westfalen", "40213", "DE"),
    ("Paris", "", "75001", "FR"),
];

/// Form fields a storefront might collect at sign-up.
pub(super) const HEARD_FROM: &[&str] = &["Search engine", "A friend", "Instagram", "Podcast", "Newsletter"];
pub(super) const INTERESTS: &[&str] = &["Running", "Hiking", "Cycling", "Yoga", "Swimming"];
pub(super) const DELIVERY_NOTES: &[&str] = &["Leave at door", "Ring twice", "Deliver to reception"];

/// Customer attribute definitions (`attribute_id`, name, type) a generated store starts with.
pub(super) const ATTRIBUTES: &[(i64, &str, &str)] = &[
    (1, "Loyalty tier", "string"),
    (2, "Date joined", "date"),
    (3, "Lifetime orders", "number"),
    (4, "Preferred store", "string"),
    (5, "Birthday", "date"),
    (6, "Shoe size", "number"),
    (7, "Referral code", "string"),
    (8, "Favourite colour", "string"),
    (9, "Newsletter", "string"),
    (10, "Account manager", "string"),
    (11, "Credit limit", "number"),
    (12, "Last survey", "date"),
    (13, "Region", "string"),
    (14, "Segment", "string"),
    (15, "Notes score", "number"),
];

pub(super) const ATTRIBUTE_WORDS: &[&str] = &[
    "Gold", "Silver", "Bronze", "Downtown", "Online", "Blue", "Yes", "No",
];

pub(crate) fn country_name(code: &str) -> &'static str {
    match code {
        "US" => "United States",
        "CA" => "Canada",
        "GB" => "United Kingdom",
        "AU" => "Australia",
        "DE" => "Germany",
        "FR" => "France",
        "NL" => "Netherlands",
        "ES" => "Spain",
        "IT" => "Italy",
        "JP" => "Japan",
        "MX" => "Mexico",
        "BR" => "Brazil",
        "IN" => "India",
        _ => "",
    }
}

/// Metafields an app might keep on a customer: (namespace, key, possible values).
pub(super) const METAFIELDS: &[(&str, &str, &[&str])] = &[
    (
        "Sales Department",
        "Staff Name",
        &["Ronaldo", "Ada", "Grace", "Linus"],
    ),
    ("Sales Department", "Region", &["North", "South", "EMEA", "APAC"]),
    ("Loyalty", "points", &["0", "120", "980", "15000"]),
    ("Loyalty", "tier_expires", &["2024-06-30", "2024-12-31"]),
    ("Integrations", "erp_id", &["ERP-1001", "ERP-2002", "ERP-3003"]),
    (
        "Integrations",
        "crm_sync",
        &["{\"synced\":true}", "{\"synced\":false}"],
    ),
];

pub(super) const APP_CLIENT_IDS: &[&str] = &[
    "ramciw4fnoz87it3ynjfif2zrkil5p",
    "b7q2m0xk1c9s8d3f4g5h6j7k8l9z0x1",
];

/// (brand, issuer identification number) of generated cards.
pub(super) const CARD_BRANDS: &[(&str, &str)] = &[
    ("VISA", "411111"),
    ("MASTERCARD", "555555"),
    ("AMEX", "378282"),
    ("DISCOVER", "601111"),
];

pub(super) const BANK_ISSUERS: &[&str] = &["DE001", "NL002", "GB003", "US004"];

/// The short code of the states and provinces in [`PLACES`] ("" where there is none).
pub(super) fn state_code(state: &str) -> &'static str {
    match state {
        "Texas" => "TX",
        "California" => "CA",
        "New York" => "NY",
        "Illinois" => "IL",
        "Washington" => "WA",
        "Florida" => "FL",
        "Ohio" => "OH",
        "Ontario" => "ON",
        "British Columbia" => "BC",
        "New South Wales" => "NSW",
        "Berlin" => "BE",
        "Nordrhein-Westfalen" => "NW",
        _ => "",
    }
}

/// Generated metafields are readable by other apps more often than not.
pub(super) const METAFIELD_PERMISSIONS: [&str; 4] = ["read", "read", "write", "app_only"];
