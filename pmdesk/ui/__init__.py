# SPDX-License-Identifier: GPL-3.0-or-later
"""The Qt desktop interface: adapts services to widgets and holds no business rules."""
