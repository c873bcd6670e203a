// PERSON_NAME and STREET_ADDRESS: cue phrases, screen labels, dialogue expectation,
// gazetteers, and the hard negatives (organisations, places alone, ordinary words).
// Every name and address here is made up.
#include <string>
#include <utility>
#include <vector>

#include "detectors/engine.h"
#include "gtest/gtest.h"
#include "pipeline/batch.h"
#include "pipeline/policy.h"

namespace callredact {
namespace {

// One chunk: "A: ..." agent, "C: ..." customer, "S: ..." screen.
using Dialogue = std::vector<std::string>;

struct Found {
  v1::EntityType type;
  std::string text;  // The covered chunk text.
};

class NameAddressTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto engine = Engine::Load(CALLREDACT_SOURCE_DIR "/models");
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = new std::shared_ptr<const Engine>(*engine);
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }

  // Runs the dialogue through RedactCall; returns each event part's text.
  static std::vector<Found> Run(const Dialogue& lines) {
    v1::Call call;
    std::vector<std::string> texts;
    for (size_t i = 0; i < lines.size(); ++i) {
      v1::Chunk* c = call.add_chunks();
      c->set_seq(i);
      c->set_is_final(true);
      const char who = lines[i][0];
      c->set_text(lines[i].substr(3));
      if (who == 'S') {
        c->set_source(v1::SCREEN);
      } else {
        c->set_source(v1::TRANSCRIPT);
        c->set_speaker(who == 'A' ? v1::AGENT : v1::CUSTOMER);
      }
      texts.push_back(c->text());
    }
    auto out = RedactCall(*engine_, Policy::Default(), call);
    EXPECT_TRUE(out.ok()) << out.status();
    std::vector<Found> found;
    if (!out.ok()) return found;
    for (const v1::RedactedChunk& rc : out->chunks()) {
      for (const v1::DetectionEvent& e : rc.events()) {
        for (const v1::Span& s : e.spans()) {
          found.push_back({e.type(), texts[s.seq()].substr(s.start(), s.end() - s.start())});
        }
      }
    }
    return found;
  }

  static std::shared_ptr<const Engine>* engine_;
};

std::shared_ptr<const Engine>* NameAddressTest::engine_ = nullptr;

struct Case {
  const char* what;
  Dialogue lines;
  // Entity texts that must be found with this type, exactly.
  std::vector<std::pair<v1::EntityType, std::string>> want;
  // Texts no PERSON_NAME or STREET_ADDRESS event may touch.
  std::vector<std::string> not_pii;
};

void Check(const std::vector<Found>& found, const Case& c) {
  for (const auto& [type, text] : c.want) {
    bool ok = false;
    for (const Found& f : found) ok |= f.type == type && f.text == text;
    EXPECT_TRUE(ok) << "not found as " << v1::EntityType_Name(type) << ": " << text;
  }
  for (const std::string& text : c.not_pii) {
    for (const Found& f : found) {
      if (f.type != v1::PERSON_NAME && f.type != v1::STREET_ADDRESS) continue;
      EXPECT_TRUE(f.text.find(text) == std::string::npos && text.find(f.text) == std::string::npos)
          << "flagged " << v1::EntityType_Name(f.type) << ": " << f.text;
    }
  }
}

constexpr v1::EntityType kName = v1::PERSON_NAME;
constexpr v1::EntityType kAddr = v1::STREET_ADDRESS;

TEST_F(NameAddressTest, Names) {
  const std::vector<Case> cases = {
      {"strong cue, invented name",
       {"C: Hi, my name is Zukhanye Mqhayi-Baartman and I want to query my account"},
       {{kName, "Zukhanye Mqhayi-Baartman"}},
       {"query"}},
      {"strong cue, lower case, invented name",
       {"C: my name is xolisweni dubazana i'm phoning about my claim"},
       {{kName, "xolisweni dubazana"}},
       {"phoning"}},
      {"surname particle",
       {"C: Morning, it's Pieter van der Merwe I need to update my details"},
       {{kName, "Pieter van der Merwe"}},
       {"update"}},
      {"third party after a relation",
       {"C: The policy is also for my mother, Nokuthula Sithole and her cell is 082 555 1234"},
       {{kName, "Nokuthula Sithole"}},
       {"cell"}},
      {"relation in lower case",
       {"C: his wife thembeka zungu is not well"},
       {{kName, "thembeka zungu"}},
       {"well"}},
      {"title",
       {"A: Thank you, Mrs Oosterwyk. How can I help?"},
       {{kName, "Oosterwyk"}},
       {"help"}},
      {"her name is, lower case",
       {"A: and the name of the deceased", "C: her name is hlengiwe mabuza"},
       {{kName, "hlengiwe mabuza"}},
       {}},
      {"surname spelled in the phonetic alphabet, starting with o for oscar",
       {"A: could you spell the surname for me", "C: o for oscar k for kilo e for echo k for kilo e for echo"},
       {{kName, "o for oscar k for kilo e for echo k for kilo e for echo"}},
       {}},
      {"full names whose first name is also a common word",
       {"A: And your full names?", "C: Grant Mabaso."},
       {{kName, "Grant Mabaso"}},
       {}},
      {"name right before born",
       {"C: Two kids. Ayanda, born 2 May 2011, and Zethu (born 9/9/2014)."},
       {{kName, "Ayanda"}, {kName, "Zethu"}},
       {"Two", "kids"}},
      {"a name said again later in the call, by the other speaker",
       {"C: my name is thulani mhlongo-zwane", "A: okay", "A: thank you mister mhlongo-zwane",
        "A: and thulani the policy is in order"},
       {{kName, "mhlongo-zwane"}, {kName, "thulani"}},
       {"policy", "order"}},
      {"initials before a surname",
       {"C: Three payments went to someone called T Mabuza.", "S: Holder: N Dlamini | Branch: 470010",
        "S: Consignee: A. Patel | Tel: pending", "S: Client: MTHEMBU S | Segment: Personal"},
       {{kName, "T Mabuza"}, {kName, "N Dlamini"}, {kName, "A. Patel"}, {kName, "MTHEMBU S"}},
       {"Segment", "Branch"}},
      {"an initial and a known surname without a cue",
       {"S: HT-2291 / L. Mokoena / submitted"},
       {{kName, "L. Mokoena"}},
       {"submitted"}},
      {"unknown first name before a known surname",
       {"A: The contact person on the file is Kershnie Moodley."},
       {{kName, "Kershnie Moodley"}},
       {"contact", "file"}},
      {"surname spelled with hyphens",
       {"A: Your name?", "C: Ayesha Lin. That's L-I-N."},
       {{kName, "L-I-N"}},
       {}},
      {"possessive relation",
       {"C: My brother's, Luthando, 061 720 4455."},
       {{kName, "Luthando"}},
       {}},
      {"introducing oneself with here",
       {"A: good morning prime cover this is nadia", "C: yes sibusiso zulu here my windscreen cracked",
        "C: Morning. Thabo Mokoena speaking, I have a claim."},
       {{kName, "sibusiso zulu"}, {kName, "Thabo Mokoena"}},
       {"windscreen"}},
      {"weak cue, unknown lower-case first name and a known surname",
       {"C: hi this is ntombifuthi sithole i was selected for the programme"},
       {{kName, "ntombifuthi sithole"}},
       {"selected"}},
      {"Afrikaans and Sotho titles and relations",
       {"C: more dis mevrou botha hier", "C: my kleinseun jaco het vir my krag gekoop",
        "A: thank you mme sebego who would you like to add"},
       {{kName, "botha"}, {kName, "jaco"}, {kName, "sebego"}},
       {"krag", "add"}},
      {"a relation's name", {"C: they also knew my wife's name thuli"}, {{kName, "thuli"}}, {}},
      {"a list after a plural relation",
       {"C: And the kids are Ruan and Mia."},
       {{kName, "Ruan"}, {kName, "Mia"}},
       {"kids"}},
      {"a first name that is also a word, with a known surname",
       {"C: hi this is ntombi sithole i was selected for the programme"},
       {{kName, "ntombi sithole"}},
       {"selected"}},
      {"a title after a place-like word",
       {"C: yes a man from the village mister sibiya he helped us"},
       {{kName, "sibiya"}},
       {"village", "helped"}},
      {"nicknames: after 'everyone calls her', and in brackets on a screen",
       {"C: her name is gertruida van wyk but everyone calls her trudie",
        "S: Patient: VAN WYK, Gertruida (Trudie) | DOB pending"},
       {{kName, "trudie"}, {kName, "Trudie"}},
       {"pending"}},
      {"a word followed by its own spelling, and a nurse's title",
       {"C: chikwanha c h i k w a n h a", "A: It's in the notes from Sister Khoza in ward 4."},
       {{kName, "chikwanha"}, {kName, "c h i k w a n h a"}, {kName, "Khoza"}},
       {"ward"}},
      {"a surname that is also a particle is said again; 'van' is not",
       {"C: dis mevrou jansen hier", "A: surname also jansen", "A: einde van die maand"},
       {{kName, "jansen"}},
       {"einde", "maand"}},
      {"a possessive before 'name'",
       {"C: it's still in the previous owner's name lwandile makhubela"},
       {{kName, "lwandile makhubela"}},
       {"previous", "owner's"}},
      {"the phonetic alphabet without 'for'",
       {"A: Can you spell the surname?", "C: Molefe. Mike Oscar Lima Echo Foxtrot Echo."},
       {{kName, "Mike Oscar Lima Echo Foxtrot Echo"}},
       {}},
      {"a name said again with a possessive",
       {"C: The second line is for my son Yaseen.", "A: And Yaseen's line stays as it is?"},
       {{kName, "Yaseen's"}},
       {"line"}},
      {"maiden name", {"C: Refilwe Mabe, maiden name Sebego."}, {{kName, "Sebego"}}, {}},
      {"nickname", {"C: his name is sbusiso zwane they call him sbu"}, {{kName, "sbu"}}, {}},
      {"a name spelled in groups after it, and a name in the past tense",
       {"A: Your name?", "C: Kgomotso Seleka. K-G-O-M-O-T-S-O, S-E-L-E-K-A.",
        "C: He said his name was Kevin, from the bank."},
       {{kName, "K-G-O-M-O-T-S-O, S-E-L-E-K-A"}, {kName, "Kevin"}},
       {"bank"}},
      {"a particle after a title in a cased transcript",
       {"A: Goodbye, Mrs du Plessis."}, {{kName, "du Plessis"}}, {}},
      {"farewells, 'is that', possessive relations and lists with 'or'",
       {"C: Bye Sipho, thanks for the help.", "A: Is that Dlamini with a D?",
        "C: You can speak to Ayanda or Zodwa."},
       {{kName, "Sipho"}, {kName, "Dlamini"}, {kName, "Ayanda"}, {kName, "Zodwa"}},
       {"thanks", "help"}},
      {"a child's name", {"C: my child's name is lerato"}, {{kName, "lerato"}}, {}},
      {"answer to the agent's question, lower case",
       {"A: your full names please", "C: khanyisile mothibedi"},
       {{kName, "khanyisile mothibedi"}},
       {}},
      {"answer with a lead-in",
       {"A: And whose name is the account in?", "C: Mine, Buhlebezwe Radebe."},
       {{kName, "Buhlebezwe Radebe"}},
       {"Mine"}},
      {"spelled surname",
       {"A: Can you spell the surname for me please?", "C: M for mike, O for oscar, K for kilo."},
       {{kName, "M for mike, O for oscar, K for kilo"}},
       {}},
      {"spelled letter by letter with a double o",
       {"A: How should it be spelled?", "C: M O O N S A M Y."},
       {{kName, "M O O N S A M Y"}},
       {}},
      {"a person addressed at the end of a sentence",
       {"A: That account must be in your name, Ntsako."},
       {{kName, "Ntsako"}},
       {"account"}},
      {"addressed with a title",
       {"A: Thank you for holding, Mrs Mahlangu?"},
       {{kName, "Mahlangu"}},
       {"holding"}},
      {"forms of address and sign-offs are not names",
       {"A: Thank you, Sisi. Okay, Bye. Yes, Sir. We will send it to you, Thanks! Sorry, "
        "Pardon? Please hold, Madam."},
       {},
       {"Sisi", "Bye", "Sir", "Thanks", "Pardon", "Madam"}},
      {"a place after a comma is not a name",
       {"A: The branch is in Durban, Umhlanga."},
       {},
       {"Umhlanga"}},
      {"the person who signed",
       {"C: it was signed by schalk at the branch"},
       {{kName, "schalk"}},
       {"branch"}},
      {"how a name was captured",
       {"A: I see it's captured as MOONSAME. How should it be spelled?"},
       {{kName, "MOONSAME"}},
       {"How"}},
      {"signed by hand is no name",
       {"C: it was signed by hand at the branch"},
       {},
       {"hand"}},
      {"a name and then its spelling",
       {"A: Could I have your surname?", "C: Pillay. P I L L A Y."},
       {{kName, "Pillay"}, {kName, "P I L L A Y"}},
       {}},
      {"letters after a name that do not spell it",
       {"A: Could I have your surname?", "C: Pillay. Plan B X Y."},
       {{kName, "Pillay"}},
       {"Plan", "X Y"}},
      {"gazetteer pair without a cue",
       {"C: The money went to Thandi Nkosi yesterday."},
       {{kName, "Thandi Nkosi"}},
       {"yesterday"}},
      {"an ordinary answer is not a name",
       {"A: And your full name?", "C: Wait, I have the ID here."},
       {},
       {"Wait", "ID", "here"}},
      {"an answer after a lead-in with unknown words",
       {"A: your name please", "C: hallo i'm a postgrad student"},
       {},
       {"postgrad", "student"}},
      {"weak cue before an ordinary word",
       {"C: This is about my account, it's urgent."},
       {},
       {"about", "urgent"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Check(Run(c.lines), c);
  }
}

TEST_F(NameAddressTest, ScreenLabels) {
  const std::vector<Case> cases = {
      {"Customer label",
       {"S: Customer: Lindokuhle Mabena | Account: 4106781865"},
       {{kName, "Lindokuhle Mabena"}},
       {"Account"}},
      {"tab-separated columns, a label without a colon",
       {"S: POLICY FP0091827\tMAIN MEMBER MOLEFE THABO\tPLAN Family Plus\tPREMIUM R189,00"},
       {{kName, "MOLEFE THABO"}},
       {"Family", "Plus", "PLAN"}},
      {"initials after an all-capitals surname, particles",
       {"S: Client: CHEN W L\tAcc: 1012443882", "S: Owner: VAN DER MERWE A | Status: Open"},
       {{kName, "CHEN W L"}, {kName, "VAN DER MERWE A"}},
       {"Acc", "Status", "Open"}},
      {"dotted initials and a capital O",
       {"S: CIF 0044718823 | Name: T.M. BALOYI | ID: pending", "S: Alt contact O. Modise 0732286614"},
       {{kName, "T.M. BALOYI"}, {kName, "O. Modise"}},
       {"pending"}},
      {"a surname and initials on a screen, with or without a label",
       {"S: Beneficiary SEBOLA M ID 5610170646088 | Child: SEBOLA T DOB 2019/04/22",
        "S: ACC 3310072 | CASSIM M | ID 7302239880084", "S: Renter: Pillay, R. | ID: pending"},
       {{kName, "SEBOLA M"}, {kName, "SEBOLA T"}, {kName, "CASSIM M"}, {kName, "Pillay, R."}},
       {"Beneficiary", "Child", "ACC"}},
      {"an airline SURNAME/FIRSTNAME with its title",
       {"S: PIR CPTKA10442 | Pax MOLEFE/THABO MR | Flt KA312"},
       {{kName, "MOLEFE/THABO"}},
       {"Flt"}},
      {"JSON and key=value screens",
       {"S: {\"firstName\": \"Thabo\", \"lastName\": \"Mokoena\", \"status\": \"Active\"}",
        "S: customer_name=Lerato Dube; plan=Gold"},
       {{kName, "Thabo"}, {kName, "Mokoena"}, {kName, "Lerato Dube"}},
       {"Active", "Gold"}},
      {"a table: a header row, values under it",
       {"S: Name\tSurname\tID\nThandeka\tNdlovu\t8001015009087\nPlan\tGold\tActive"},
       {{kName, "Thandeka"}, {kName, "Ndlovu"}},
       {"Plan", "Gold"}},
      {"a list of names in one field",
       {"S: PAX: DU PLESSIS MARELIZE (A), DU PLESSIS JACO (A) | Seats 11-14"},
       {{kName, "DU PLESSIS MARELIZE"}, {kName, "DU PLESSIS JACO"}},
       {"Seats"}},
      {"SURNAME, Firstname",
       {"S: [Policy holder: Amahle Dube]  [Deceased: TSHABALALA, Mandisa]"},
       {{kName, "Amahle Dube"}, {kName, "TSHABALALA, Mandisa"}},
       {}},
      {"dotted leaders",
       {"S: Borrower .......... Sizwe Ngcobo\nID ................ 8709296096082"},
       {{kName, "Sizwe Ngcobo"}},
       {}},
      {"numbered applicant",
       {"S: Applicant 2: NOMSA KHOZA\nGross income: R35 500"},
       {{kName, "NOMSA KHOZA"}},
       {"Gross"}},
      {"JSON field",
       {"S: {\"msisdn\": \"0831234567\", \"holder\": \"Anele Ntuli\", \"package\": \"Smart\"}"},
       {{kName, "Anele Ntuli"}},
       {"Smart"}},
      {"a value that is no name",
       {"S: Beneficiary: IMMEDIATE PMT\nStatus: Active"},
       {},
       {"IMMEDIATE", "Active"}},
      {"a Title-case value of names no list knows",
       {"S: Applicant ......... Grâce Ilunga\nStatus ......... Pending"},
       {{kName, "Grâce Ilunga"}},
       {"Status", "Pending"}},
      {"an airline SURNAME/FIRSTNAME value",
       {"S: PNR pax: MOONSAMY/YASHIEL MR | Seat: 14C"},
       {{kName, "MOONSAMY/YASHIEL"}},
       {"Seat", "14C"}},
      {"address label",
       {"S: Address: 5211 Lekganyane St, Tafelsig, Mitchells Plain, 7785 | Tariff: Homelight"},
       {{kAddr, "5211 Lekganyane St, Tafelsig, Mitchells Plain, 7785"}},
       {"Tariff", "Homelight"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Check(Run(c.lines), c);
  }
}

TEST_F(NameAddressTest, Addresses) {
  const std::vector<Case> cases = {
      {"street, suburb, city, postal code",
       {"C: I stay at 129 Beach Road, Rondebosch, Cape Town, 7700"},
       {{kAddr, "129 Beach Road, Rondebosch, Cape Town, 7700"}},
       {"stay"}},
      {"invented street name",
       {"C: I live at 48 Qhawekazi Crescent, Bellville, Cape Town"},
       {{kAddr, "48 Qhawekazi Crescent, Bellville, Cape Town"}},
       {}},
      {"spoken numbers",
       {"A: What's the delivery address?", "C: Fifty three Mopane Street Randburg two one nine four."},
       {{kAddr, "Fifty three Mopane Street Randburg two one nine four"}},
       {}},
      {"unit and complex",
       {"A: And the property address?",
        "C: Unit 22, Marula Mews, 97 Dadels Straat, Northdale, 3201."},
       {{kAddr, "Unit 22, Marula Mews, 97 Dadels Straat, Northdale, 3201"}},
       {}},
      {"a screen field with a street and no label",
       {"S: Ticket TKT8820415 | 14 Kiaat Close, Durbanville 7550 | Install Thu 08:00"},
       {{kAddr, "14 Kiaat Close, Durbanville 7550"}},
       {"Install", "TKT8820415"}},
      {"abbreviated screen label",
       {"S: Redirect | New addr: 23 Umdoni Dr, Westville 3629 | Fee: R65,00"},
       {{kAddr, "23 Umdoni Dr, Westville 3629"}},
       {"Fee"}},
      {"Afrikaans street with its type joined on",
       {"A: en die adres van die eiendom", "C: drie en twintig kerkstraat universitas bloemfontein"},
       {{kAddr, "drie en twintig kerkstraat universitas bloemfontein"}},
       {}},
      {"numbered house in a township",
       {"C: Yes, House 204, Shayandima, next to the church."},
       {{kAddr, "House 204, Shayandima"}},
       {"church"}},
      {"township and rural addresses with numbered areas",
       {"A: Is your address 4512 Zone 2, Seshego?", "A: what's the physical address",
        "C: house number one one four seven ngwelezane section b empangeni",
        "C: I stay at 2231 Mhlanga Street, Tembisa Extension 5."},
       {{kAddr, "4512 Zone 2, Seshego"},
        {kAddr, "house number one one four seven ngwelezane section b empangeni"},
        {kAddr, "2231 Mhlanga Street, Tembisa Extension 5"}},
       {}},
      {"more township, flat and box forms",
       {"A: what's the address", "C: stand no 445 ga-rankuwa zone 1",
        "A: physical address?", "C: flat 12 b block c sunnyside gardens",
        "A: where do you stay", "C: house 14 kwa-mashu g section",
        "A: postal address?", "C: P.O. Box 123, Polokwane, 0700"},
       {{kAddr, "stand no 445 ga-rankuwa zone 1"}, {kAddr, "flat 12 b block c sunnyside gardens"},
        {kAddr, "house 14 kwa-mashu g section"}, {kAddr, "P.O. Box 123, Polokwane, 0700"}},
       {}},
      {"a private bag with a lettered number",
       {"A: postal address?", "C: Private Bag X1021, Vaalwater, 0530."},
       {{kAddr, "Private Bag X1021, Vaalwater, 0530"}},
       {}},
      {"a section first, a complex with an article",
       {"A: the address", "C: it's section 14 sunset villas 9 kruger street bedfordview",
        "A: the address", "C: unit six die eike forty two bougainvillea crescent eldoraigne"},
       {{kAddr, "section 14 sunset villas 9 kruger street bedfordview"},
        {kAddr, "unit six die eike forty two bougainvillea crescent eldoraigne"}},
       {}},
      {"a cased complex whose name starts with an article, and an article that starts a new sentence",
       {"C: No, I've moved. It's now Unit 5, Die Eike, 12 Dorp Street, Paarl, 7646.",
        "C: I stay at 183 Jan Smuts Avenue, Summerstrand, Gqeberha",
        "C: The policy is also for my mother."},
       {{kAddr, "Unit 5, Die Eike, 12 Dorp Street, Paarl, 7646"},
        {kAddr, "183 Jan Smuts Avenue, Summerstrand, Gqeberha"}},
       {"policy"}},
      {"PO box",
       {"A: and your postal address", "C: po box 1830 durban 4092"},
       {{kAddr, "po box 1830 durban 4092"}},
       {}},
      {"township extension",
       {"C: It's 4236 Lekganyane Street, Extension 8, Thembalethu."},
       {{kAddr, "4236 Lekganyane Street, Extension 8, Thembalethu"}},
       {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Check(Run(c.lines), c);
  }
}

TEST_F(NameAddressTest, NotPersonalInformation) {
  const std::vector<Case> cases = {
      {"bank and branch", {"C: I bank with Capitec at the Menlyn branch."}, {}, {"Capitec", "Menlyn"}},
      {"hospital after a title",
       {"C: she was admitted at dr george mukhari hospital last week"},
       {},
       {"george", "mukhari"}},
      {"street named after people",
       {"C: The office is on Nelson Mandela Drive."},
       {},
       {"Nelson", "Mandela"}},
      {"university", {"A: Thank you for calling Sol Plaatje University."}, {}, {"Sol", "Plaatje"}},
      {"business after a greeting",
       {"A: good afternoon sizwe pension fund member services"},
       {},
       {"sizwe"}},
      {"place alone", {"C: I moved to Durban last year."}, {}, {"Durban"}},
      {"Afrikaans words are not names, even after a name was said",
       {"C: ja middag dis pieter van der merwe", "C: nee dis al baie dankie"},
       {{kName, "pieter van der merwe"}},
       {"dis", "dankie"}},
      {"a business named after a person, after a greeting",
       {"A: Good morning, Ngwenya Home Insurance claims, how can I help?",
        "A: good afternoon mabaso and partners tax consultants"},
       {},
       {"Ngwenya", "mabaso"}},
      {"a title ending a sentence, and a title before a verb in cased text",
       {"C: Dumela ntate. I applied for the grant in April.", "C: The doctor said four nights."},
       {},
       {"I applied", "said"}},
      {"a company's name is no person's",
       {"C: the company's name is Mokoena Holdings"},
       {},
       {"Mokoena", "Holdings"}},
      {"one phonetic-alphabet word is a word",
       {"C: I flew to Lima via Miami with my friend."},
       {},
       {"Lima", "Miami"}},
      {"a lower-case word after a cue in a cased transcript",
       {"A: Is this cellphone the best number to reach you?", "A: What's the cat's name, age and breed?"},
       {},
       {"cellphone", "age"}},
      {"greetings and titles are not names said again",
       {"C: Dumela ngwanaka, I am calling about the grant.", "A: Mrs Essop, are you there?",
        "A: Thank you Mrs Essop.", "A: Mrs Essop, we received a signal."},
       {{kName, "Essop"}},
       {"Dumela", "ngwanaka", "Mrs"}},
      {"no list after a title, and a business word inside a name",
       {"A: you're welcome mme sebola and remember nobody will ask for your pin",
        "C: That's my shop, Cassim Traders."},
       {{kName, "sebola"}},
       {"remember", "nobody", "Traders"}},
      {"Afrikaans 'n after a title is no initial",
       {"C: tannie n landlyn kan nie sms ontvang nie"},
       {},
       {"landlyn"}},
      {"a title at the start of a screen value",
       {"S: Learner: STEYN Jan | Parent: Mrs E Steyn | Tel pending"},
       {{kName, "E Steyn"}},
       {"Mrs", "pending"}},
      {"a room number alone on a screen",
       {"S: Residence: Sisulu Hall, Rm 214 | Meal plan: yes"},
       {},
       {"Rm 214"}},
      {"common words before born",
       {"C: Yes, born and bred in Soweto. The Baby, born last week, is fine."},
       {},
       {"Yes", "Baby", "Soweto"}},
      {"a common first word without a name after it",
       {"A: And your full names?", "C: Grant me a minute please."},
       {},
       {"Grant", "minute"}},
      {"unit without an address question",
       {"C: I was in unit 46 at the old place."},
       {},
       {"unit 46"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Check(Run(c.lines), c);
  }
}

TEST_F(NameAddressTest, OpenTailIsHeldAndCompleted) {
  // A name or address cut at the end of a chunk is completed by the next chunk.
  const std::vector<Case> cases = {
      {"name over two chunks",
       {"C: my name is Pieter van der", "C: Merwe and I want to query my account"},
       {{kName, "Pieter van der"}, {kName, "Merwe"}},
       {"query"}},
      {"address over two chunks",
       {"C: I stay at 12 Main", "C: Road, Rondebosch"},
       {{kAddr, "12 Main"}, {kAddr, "Road, Rondebosch"}},
       {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Check(Run(c.lines), c);
  }
}

}  // namespace
}  // namespace callredact
