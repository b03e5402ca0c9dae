// A Table is the hand-off between the sweep, its journal and the figures: written and read
// back it must be the same table, cell for cell, and malformed text must be refused.
#define BOOST_TEST_MODULE table
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>

#include <wnflow/model/errors.hpp>
#include <wnflow/lab/table.hpp>

using namespace wnflow;

BOOST_AUTO_TEST_CASE(format_cell_round_trips) {
  BOOST_TEST(format_cell(0.1) == "0.1");
  BOOST_TEST(format_cell(1e-300) == "1e-300");
  BOOST_TEST(format_cell(3) == "3");
  BOOST_TEST(format_cell(NAN) == "nan");
  BOOST_TEST(format_cell(INFINITY) == "inf");
  BOOST_TEST(format_cell(-INFINITY) == "-inf");
  for (double v : {1.0 / 3.0, std::nextafter(1.0, 2.0), 6.02214076e23, -2.5e-17, std::numeric_limits<double>::denorm_min()}) {
    Table t({"v"});
    t.add_row({format_cell(v)});
    BOOST_TEST(Table::parse(t.to_csv(), "t").number(0, 0) == v);
  }
}

BOOST_AUTO_TEST_CASE(csv_round_trip_and_numbers) {
  Table t({"name", "x", "y"});
  RowBuilder b(t);
  t.add_row(b.set("x", 0.25).set("name", "GF").take());
  t.add_row({"WN q=0.05", "nan", "-inf"});
  const std::string csv = t.to_csv();
  BOOST_TEST(csv == "name,x,y\nGF,0.25,nan\nWN q=0.05,nan,-inf\n");
  const Table back = Table::parse(csv, "t");
  BOOST_TEST(back.to_csv() == csv);
  BOOST_TEST(back.columns() == t.columns());
  BOOST_TEST(back.number(0, "x") == 0.25);
  BOOST_TEST(std::isnan(back.number(0, "y")));
  BOOST_TEST(back.number(1, "y") == -INFINITY);
  BOOST_TEST(back.text(1, "name") == "WN q=0.05");
  BOOST_CHECK_THROW(back.number(0, "name"), InputError);
  BOOST_CHECK_THROW(back.column("z"), InputError);
  BOOST_TEST(back.has_column("x"));
  BOOST_TEST(!back.has_column("z"));
}

BOOST_AUTO_TEST_CASE(malformed_input_is_refused) {
  BOOST_CHECK_THROW(Table({"a", "a"}), InputError);
  BOOST_CHECK_THROW(Table({""}), InputError);
  BOOST_CHECK_THROW(Table({"a,b"}), InputError);
  Table t({"a", "b"});
  BOOST_CHECK_THROW(t.add_row({"1"}), InputError);
  BOOST_CHECK_THROW(t.add_row({"1", "x,y"}), InputError);
  BOOST_CHECK_THROW(t.add_row({"1", "say \"hi\""}), InputError);
  BOOST_CHECK_THROW(Table::parse("a,b\n1\n", "t"), InputError);
  BOOST_CHECK_THROW(Table::parse("", "t"), InputError);
  BOOST_CHECK_THROW(Table::parse("a,b\n1,2", "t"), InputError);  // cut short
  const Table partial = Table::parse("a,b\n1,2\n3,", "t", /*accept_partial_last_line=*/true);
  BOOST_TEST(partial.rows() == 1u);
  BOOST_TEST(partial.partial_dropped());
  BOOST_TEST(Table::parse("a,b\r\n1,2\r\n", "t").text(0, 1) == "2");  // CRLF accepted
}
