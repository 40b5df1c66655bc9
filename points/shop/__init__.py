"""积分超市 (the points shop), a domain of the points app: services.py (shops, goods, stock, redemptions),
selectors.py, views.py (pages and their forms), api.py, urls.py (under /points/shop/). The models are in
points.models.shop.
"""
