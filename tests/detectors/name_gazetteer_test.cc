// NameGazetteers::Scan: entries match whole view words, multi-word entries only across
// spaces (never a line break), and a word listed in several lists reports each.
#include "detectors/name_gazetteer.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>
#include <unistd.h>
#include <vector>

#include "gtest/gtest.h"

namespace callredact {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLists[] = {
    "first_names",   "surnames",         "surname_particles", "name_stopwords",
    "organisations", "place_names",      "street_names",      "street_types",
    "complex_words", "common_words",     "name_cues",         "name_cues_weak",
    "name_titles",   "kinship_words",    "name_labels",       "name_stops_after",
    "address_labels", "address_prefixes", "address_area_words", "address_cues",
    "name_greetings"};

class NameGazetteerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gaz_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::map<std::string, std::string> content = {
        {"first_names", "thandi\nWill\n# a comment\n\n"},
        {"surnames", "nkosi\nvan der merwe\nwill\n"},
        {"place_names", "cape town\nport elizabeth\nd'urban\n"},
        {"street_types", "road\n"},
    };
    for (const char* list : kLists) {
      std::ofstream(dir_ / (std::string(list) + ".txt")) << content[list];
      auto* g = pack_.add_gazetteer();
      g->set_name(list);
      g->set_file(std::string(list) + ".txt");
    }
    auto gaz = NameGazetteers::Load(pack_, (dir_ / "detectors.textproto").string());
    ASSERT_TRUE(gaz.ok()) << gaz.status();
    gaz_ = std::move(*gaz);
  }
  void TearDown() override { fs::remove_all(dir_); }

  using Match = std::tuple<GazKind, size_t, size_t>;
  std::vector<Match> Scan(std::string_view text) {
    std::vector<Match> out;
    EXPECT_TRUE(gaz_->Scan(text, [&](GazKind k, size_t b, size_t e) {
      out.emplace_back(k, b, e);
    }).ok());
    return out;
  }

  fs::path dir_;
  v1::DetectorPack pack_;
  std::unique_ptr<NameGazetteers> gaz_;
};

TEST_F(NameGazetteerTest, WholeWordsOnly) {
  EXPECT_EQ(Scan("thandi"), (std::vector<Match>{{GazKind::kFirstNames, 0, 6}}));
  EXPECT_TRUE(Scan("thandis nthandi").empty());
  EXPECT_EQ(Scan("hi thandi nkosi"),
            (std::vector<Match>{{GazKind::kFirstNames, 3, 9}, {GazKind::kSurnames, 10, 15}}));
}

TEST_F(NameGazetteerTest, MultiWordEntriesAcrossSpacesNotLines) {
  EXPECT_EQ(Scan("in cape town now"), (std::vector<Match>{{GazKind::kPlaceNames, 3, 12}}));
  EXPECT_TRUE(Scan("cape\ntown").empty());
  EXPECT_TRUE(Scan("cape towns").empty());
  EXPECT_EQ(Scan("mr van der merwe"), (std::vector<Match>{{GazKind::kSurnames, 3, 16}}));
  // A prefix alone is no match.
  EXPECT_TRUE(Scan("van der").empty());
}

TEST_F(NameGazetteerTest, EntriesAreLowerCasedAndListedInEachList) {
  // "Will" is a first name (lower-cased on load) and a surname.
  EXPECT_EQ(Scan("will"),
            (std::vector<Match>{{GazKind::kFirstNames, 0, 4}, {GazKind::kSurnames, 0, 4}}));
}

TEST_F(NameGazetteerTest, ApostropheMatchesBothWays) {
  EXPECT_EQ(Scan("d'urban").size(), 1u);
  EXPECT_EQ(Scan("d\xE2\x80\x99urban").size(), 1u);
}

TEST_F(NameGazetteerTest, EntryPrefixes) {
  EXPECT_TRUE(gaz_->IsEntryPrefix("cape"));
  EXPECT_TRUE(gaz_->IsEntryPrefix("van der"));
  EXPECT_FALSE(gaz_->IsEntryPrefix("cape town"));
  EXPECT_FALSE(gaz_->IsEntryPrefix("town"));
}

}  // namespace
}  // namespace callredact
