"""The shopper's side: magic links (links), the portal pages (views, services), the withdrawal function
(withdrawals) and the mails they send (mail). The widget endpoints live in `helpdesk.widget`."""
