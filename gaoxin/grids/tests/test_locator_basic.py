from gaoxin.grids.locator import get_locator


def test_locate_inside_outside_and_boundary(grid_layer):
    locator = get_locator()
    hit = locator.locate(113.52, 34.79)
    assert hit is not None
    assert hit.micro_code == "4101710100101"
    assert hit.grid_code == "41017101001"
    assert hit.street_id == grid_layer.grid_west.street_id
    assert locator.locate(113.70, 34.79) is None
    # On the shared edge 113.55°E the smaller code (the western micro-grid) wins.
    edge = locator.locate(113.55, 34.79)
    assert edge is not None
    assert edge.micro_code == "4101710100101"
